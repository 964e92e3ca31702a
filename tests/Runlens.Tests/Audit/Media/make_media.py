#!/usr/bin/python3
"""Makes the data-audit test media in OUT, with the answers each check must give.

Real photographs shipped by scikit-image, speech from espeak-ng (converted with sox, flac, oggenc and lame), license
texts shipped by Debian, and scikit-learn's iris table. Variants with known answers are made from them: truncated,
corrupted, mislabelled, rotated, blurred, tiny, flat, duplicated and leaked copies. The expected flags of every example
are written to OUT/expected.json; blur and brightness references come from OpenCV and NumPy (not from Runlens), and the
chi-square reference from SciPy.

Usage: make_media.py OUT
"""
import io, json, os, random, shutil, subprocess, sys, warnings, wave

import numpy as np
from PIL import Image, ImageFilter

warnings.filterwarnings("ignore")
OUT = sys.argv[1]
expected = {}      # display path -> sorted list of check slugs
reference = {"blur": {}, "chi_square": {}}
rng = random.Random(7)


def path(*parts):
    p = os.path.join(OUT, *parts)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    return p


def flag(rel, *slugs):
    expected.setdefault(rel, set()).update(slugs)


# ---------------------------------------------------------------- images
import cv2
import skimage.data as data


def to_rgb(a):
    if a.ndim == 2:
        a = np.stack([a] * 3, axis=-1)
    if a.dtype != np.uint8:
        a = (a * 255).astype(np.uint8) if a.max() <= 1 else a.astype(np.uint8)
    return Image.fromarray(a[..., :3])


def quadrants(img):
    w, h = img.size
    return [img.crop((x, y, x + w // 2, y + h // 2)).resize((256, 256), Image.LANCZOS) for y in (0, h // 2) for x in (0, w // 2)]


def measures(img):
    """OpenCV's grey image and Laplacian variance (the reference the audit must match), NumPy's mean and std."""
    rgb = np.asarray(img.convert("RGB"))
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    return float(cv2.Laplacian(gray, cv2.CV_64F).var()), float(gray.mean()), float(gray.std())


def sharp(img):
    blur, mean, std = measures(img)
    return blur >= 150 and std >= 8 and 20 < mean < 235


pool = {}
for name in ["astronaut", "camera", "brick", "grass", "gravel", "immunohistochemistry", "coffee", "rocket", "cat", "hubble_deep_field", "coins"]:
    pool[name] = [q for q in quadrants(to_rgb(getattr(data, name)())) if sharp(q)]


def take(name):
    return pool[name].pop(0)


def save(img, rel, fmt="JPEG", **kw):
    p = path(rel)
    if fmt == "JPEG":
        kw.setdefault("quality", 92)
    img.save(p, fmt, **kw)
    gray = cv2.cvtColor(cv2.imread(p, cv2.IMREAD_COLOR | cv2.IMREAD_IGNORE_ORIENTATION), cv2.COLOR_BGR2GRAY)
    reference["blur"][rel] = {"blur": float(cv2.Laplacian(gray, cv2.CV_64F).var()), "brightness": float(gray.mean()), "contrast": float(gray.std())}
    expected.setdefault(rel, set())
    return p


def expect_from_pixels(rel, img, w, h):
    """Flags that follow from the pixels and size, computed here with OpenCV/NumPy/PIL, not by Runlens."""
    blur, mean, std = measures(img)
    if min(w, h) < 10:
        flag(rel, "tiny-image")
    if w < 100 or h < 100:
        flag(rel, "low-resolution")
    if max(w, h) / min(w, h) > 4:
        flag(rel, "extreme-aspect-ratio")
    if std < 5 or mean < 10 or mean > 245:
        flag(rel, "flat-image")
    elif blur < 100:
        flag(rel, "blurry-image")


# clean: train/val class folders, balanced, every image distinct and sharp
clean = {"people": ["astronaut", "camera"], "texture": ["brick", "gravel"], "science": ["immunohistochemistry", "hubble_deep_field"]}
for label, sources in clean.items():
    imgs = [q for s in sources for q in pool[s][:3]]
    for s in sources:
        del pool[s][:3]
    for i, img in enumerate(imgs):
        split = "val" if i % 3 == 2 else "train"
        rel = f"clean/{split}/{label}/{label}{i}.jpg"
        save(img, rel)
        expect_from_pixels(rel, Image.open(path(rel)), 256, 256)

# dirty: every image problem, with train/val/test splits
D = "dirty"
people = [take("coffee"), take("rocket"), take("cat"), take("coffee"), take("rocket"), take("cat")]
for i, img in enumerate(people):
    save(img, f"{D}/train/people/p{i}.jpg")
texture = [take("grass"), take("coins"), take("gravel"), take("immunohistochemistry")]
for i, img in enumerate(texture):
    save(img, f"{D}/train/texture/t{i}.jpg")
save(take("astronaut"), f"{D}/train/rare/r0.jpg")

shutil.copy(path(f"{D}/train/people/p0.jpg"), path(f"{D}/train/people/p0_copy.jpg"))
flag(f"{D}/train/people/p0_copy.jpg", "exact-duplicate")
small = Image.open(path(f"{D}/train/people/p1.jpg")).resize((236, 236), Image.LANCZOS)
save(small, f"{D}/train/people/p1_small.jpg", quality=80)
flag(f"{D}/train/people/p1_small.jpg", "near-duplicate")
save(Image.open(path(f"{D}/train/people/p2.jpg")).transpose(Image.ROTATE_270), f"{D}/train/people/p2_rot.jpg")
flag(f"{D}/train/people/p2_rot.jpg", "rotated-copy")
blurred = to_rgb(data.rocket()).resize((256, 256), Image.LANCZOS).filter(ImageFilter.GaussianBlur(4))
save(blurred, f"{D}/train/people/blurred.jpg")
expect_from_pixels(f"{D}/train/people/blurred.jpg", Image.open(path(f"{D}/train/people/blurred.jpg")), 256, 256)
assert "blurry-image" in expected[f"{D}/train/people/blurred.jpg"], reference["blur"][f"{D}/train/people/blurred.jpg"]
src = to_rgb(data.astronaut())
for rel, img in [(f"{D}/train/people/tiny.png", src.resize((8, 8), Image.LANCZOS)),
                 (f"{D}/train/people/lowres.jpg", src.crop((150, 50, 350, 250)).resize((64, 64), Image.LANCZOS)),
                 (f"{D}/train/people/strip.jpg", src.crop((0, 200, 512, 300)).resize((600, 110), Image.LANCZOS)),
                 (f"{D}/train/people/flat.png", Image.new("RGB", (200, 200), (128, 128, 128))),
                 (f"{D}/train/people/black.jpg", Image.new("RGB", (200, 200), (0, 0, 0)))]:
    save(img, rel, "PNG" if rel.endswith(".png") else "JPEG")
    expect_from_pixels(rel, Image.open(path(rel)), img.size[0], img.size[1])
exif = Image.Exif()
exif[0x0112] = 6
save(take("coffee"), f"{D}/train/people/exif.jpg", exif=exif.tobytes())
flag(f"{D}/train/people/exif.jpg", "exif-orientation")
good = open(path(f"{D}/train/people/p3.jpg"), "rb").read()
open(path(f"{D}/train/people/truncated.jpg"), "wb").write(good[: len(good) * 2 // 5])
flag(f"{D}/train/people/truncated.jpg", "unreadable-file")
corrupt = bytearray(good)
corrupt[2:400] = bytes(398)
open(path(f"{D}/train/people/corrupt.jpg"), "wb").write(bytes(corrupt))
flag(f"{D}/train/people/corrupt.jpg", "unreadable-file")
open(path(f"{D}/train/people/html.jpg"), "wb").write(b"<html><body>404 Not Found</body></html>\n")
flag(f"{D}/train/people/html.jpg", "unreadable-file", "wrong-extension")
buf = io.BytesIO()
take("rocket").save(buf, "PNG")
open(path(f"{D}/train/people/png_named.jpg"), "wb").write(buf.getvalue())
flag(f"{D}/train/people/png_named.jpg", "wrong-extension")
expect_from_pixels(f"{D}/train/people/png_named.jpg", Image.open(path(f"{D}/train/people/png_named.jpg")), 256, 256)
# the same image under two labels
shutil.copy(path(f"{D}/train/people/p3.jpg"), path(f"{D}/train/texture/p3_conflict.jpg"))
flag(f"{D}/train/people/p3.jpg", "conflicting-labels")
flag(f"{D}/train/texture/p3_conflict.jpg", "conflicting-labels", "exact-duplicate")
# leaks: an identical copy in val, a resized copy in test
shutil.copy(path(f"{D}/train/people/p4.jpg"), path(f"{D}/val/people/leak_exact.jpg"))
flag(f"{D}/val/people/leak_exact.jpg", "split-leakage")
save(Image.open(path(f"{D}/train/people/p5.jpg")).resize((240, 240), Image.LANCZOS), f"{D}/test/people/leak_near.jpg", quality=85)
flag(f"{D}/test/people/leak_near.jpg", "split-leakage")
save(take("coffee"), f"{D}/val/texture/v0.jpg")
save(take("grass"), f"{D}/test/texture/w0.jpg")
save(take("camera"), f"{D}/val/rare/v1.jpg")
save(take("coins"), f"{D}/test/rare/w1.jpg")
# a link that leads outside the dataset must not be followed
os.symlink("/etc/hostname", path(f"{D}/train/people/outside.jpg"))

# evalset: 100 crops of the photographs, every fifth pair blurred, for joining predictions with the audit
sources = [to_rgb(getattr(data, n)()) for n in ["astronaut", "coffee", "rocket", "cat", "hubble_deep_field", "immunohistochemistry", "camera", "grass", "gravel", "coins"]]
for i in range(100):
    img = sources[i % len(sources)]
    w, h = img.size
    x, y = rng.randrange(0, w - 200), rng.randrange(0, h - 200)
    crop = img.crop((x, y, x + 200, y + 200)).resize((128, 128), Image.LANCZOS)
    if i % 5 in (0, 1):
        crop = crop.filter(ImageFilter.GaussianBlur(3))
    rel = f"evalset/{['a', 'b'][i % 2]}/img{i:03d}.png"
    save(crop, rel, "PNG")

# ---------------------------------------------------------------- audio
A = "audio"


def run(*cmd):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def speak(text, out, rate=16000, channels=1):
    tmp = out + ".raw.wav"
    run("espeak-ng", "-w", tmp, text)
    run("sox", tmp, "-r", str(rate), "-c", str(channels), out, "gain", "-n", "-3")
    os.remove(tmp)


def pcm16(p):
    with wave.open(p) as w:
        return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float64) / 32768.0, w.getframerate(), w.getnchannels()


phrases = {"greeting": ["hello there", "good morning to you", "welcome back home"], "number": ["one two three", "forty two", "seven hundred and five"]}
for label, texts in phrases.items():
    for i, t in enumerate(texts):
        speak(t, path(f"{A}/{label}/{label}{i}.wav"))
        flag(f"{A}/{label}/{label}{i}.wav")
speak("the quick brown fox", path(f"{A}/greeting/fox.wav"))
run("flac", "-s", "-f", "-o", path(f"{A}/greeting/fox.flac"), path(f"{A}/greeting/fox.wav"))
s, rate, ch = pcm16(path(f"{A}/greeting/fox.wav"))
reference.setdefault("audio", {})[f"{A}/greeting/fox.flac"] = {"duration": len(s) / ch / rate, "rms": float(np.sqrt(np.mean(s * s))),
                                                             "clipped": float(np.mean(np.abs(s) >= 0.999)), "rate": rate, "channels": ch}
os.remove(path(f"{A}/greeting/fox.wav"))
flag(f"{A}/greeting/fox.flac")
speak("jumps over the lazy dog", path(f"{A}/number/dog.wav"))
run("oggenc", "-Q", "-o", path(f"{A}/number/dog.ogg"), path(f"{A}/number/dog.wav"))
run("lame", "--quiet", path(f"{A}/number/dog.wav"), path(f"{A}/number/dog.mp3"))
os.remove(path(f"{A}/number/dog.wav"))
flag(f"{A}/number/dog.ogg")
flag(f"{A}/number/dog.mp3")
run("sox", "-D", "-n", "-r", "16000", "-c", "1", "-b", "16", path(f"{A}/number/silent.wav"), "trim", "0", "1.0")
flag(f"{A}/number/silent.wav", "silent-audio")
speak("short", path(f"{A}/number/tmp.wav"))
run("sox", path(f"{A}/number/tmp.wav"), path(f"{A}/number/short.wav"), "trim", "0", "0.2")
os.remove(path(f"{A}/number/tmp.wav"))
flag(f"{A}/number/short.wav", "short-audio")
speak("this one is far too loud", path(f"{A}/greeting/tmp.wav"))
run("sox", path(f"{A}/greeting/tmp.wav"), path(f"{A}/greeting/clipped.wav"), "gain", "24")
os.remove(path(f"{A}/greeting/tmp.wav"))
samples, _, _ = pcm16(path(f"{A}/greeting/clipped.wav"))
assert np.mean(np.abs(samples) >= 0.999) > 0.001
flag(f"{A}/greeting/clipped.wav", "clipped-audio")
speak("recorded on another device", path(f"{A}/greeting/stereo.wav"), rate=44100, channels=2)
flag(f"{A}/greeting/stereo.wav", "audio-format-mismatch")
whole = open(path(f"{A}/greeting/greeting0.wav"), "rb").read()
open(path(f"{A}/greeting/truncated.wav"), "wb").write(whole[: len(whole) // 3])
flag(f"{A}/greeting/truncated.wav", "unreadable-file")
flacbytes = bytearray(open(path(f"{A}/greeting/fox.flac"), "rb").read())
for k in range(len(flacbytes) // 2, len(flacbytes) // 2 + 40):
    flacbytes[k] ^= 0x5A
open(path(f"{A}/number/corrupt.flac"), "wb").write(bytes(flacbytes))
flag(f"{A}/number/corrupt.flac", "unreadable-file")
for rel in [r for r in expected if r.startswith(A + "/") and r.endswith(".wav") and "truncated" not in r]:
    s, rate, ch = pcm16(path(rel))
    reference.setdefault("audio", {})[rel] = {"duration": len(s) / ch / rate, "rms": float(np.sqrt(np.mean(s * s))) if len(s) else 0.0,
                                              "clipped": float(np.mean(np.abs(s) >= 0.999)) if len(s) else 0.0, "rate": rate, "channels": ch}

# ---------------------------------------------------------------- text
T = "text"
paragraphs = {}
for lic in ["GPL-3", "Apache-2.0", "MPL-2.0"]:
    text = open(f"/usr/share/common-licenses/{lic}", encoding="utf-8").read()
    paras = [" ".join(p.split()) for p in text.split("\n\n")]
    paragraphs[lic] = [p for p in paras if 200 < len(p) < 1200][:12]
rows = {"train": [], "test": []}
for lic, paras in paragraphs.items():
    for i, p in enumerate(paras):
        rows["test" if i % 4 == 3 else "train"].append({"text": p, "label": lic})


def add(split, text, label):
    rows[split].append({"text": text, "label": label})
    return f"{T}/{split}/data.jsonl#{len(rows[split])}"


flag(add("train", "", "GPL-3"), "short-text")
flag(add("train", "ok", "GPL-3"), "short-text")
long_text = " ".join(open("/usr/share/common-licenses/GPL-3", encoding="utf-8").read().split())
flag(add("train", long_text, "GPL-3"), "long-text")
dup = rows["train"][0]
flag(add("train", dup["text"], dup["label"]), "exact-duplicate")
near = rows["train"][1]["text"].split(" ")
near[len(near) // 2] = "altered"
flag(add("train", " ".join(near), rows["train"][1]["label"]), "near-duplicate")
flag(add("train", rows["train"][2]["text"], "MPL-2.0" if rows["train"][2]["label"] != "MPL-2.0" else "GPL-3"), "conflicting-labels", "exact-duplicate")
flag(f"{T}/train/data.jsonl#3", "conflicting-labels")
flag(add("test", rows["train"][3]["text"], rows["train"][3]["label"]), "split-leakage")
for split, rs in rows.items():
    with open(path(f"{T}/{split}/data.jsonl"), "w", encoding="utf-8") as f:
        for i, r in enumerate(rs):
            f.write(json.dumps(r) + "\n")
            expected.setdefault(f"{T}/{split}/data.jsonl#{i + 1}", set())

# ---------------------------------------------------------------- tabular
from sklearn.datasets import load_iris
from scipy.stats import chi2_contingency

iris = load_iris()
names = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
X, y = iris.data, [iris.target_names[t] for t in iris.target]
order = list(range(150))
test_idx = [i for i in order if (y[i] == "setosa" and i % 10 < 5) or (y[i] != "setosa" and i % 10 == 0)]
train_idx = [i for i in order if i not in test_idx]


def write_csv(rel, idx, sorted_ids, extra):
    with open(path(rel), "w") as f:
        f.write("id," + ",".join(names) + ",source,species\n")
        for n, i in enumerate(idx):
            vals = [f"{v:g}" for v in X[i]]
            extra(n, vals)
            f.write(f"{n + 1 if sorted_ids else ids[n]}," + ",".join(vals) + f",uci,{y[i]}\n")


ids = list(range(1, 1000))
rng.shuffle(ids)


def dirty_values(n, vals):
    if n % 15 == 4:
        vals[3] = ""
    if n == 7:
        vals[0] = "-999"


shuffled = list(range(150))
rng.shuffle(shuffled)
write_csv("tab/train/iris.csv", train_idx, True, dirty_values)
write_csv("tab/test/iris.csv", test_idx, True, lambda n, v: None)
labels = sorted(set(y))
table = [[sum(1 for i in idx if y[i] == l) for l in labels] for idx in (train_idx, test_idx)]
chi, p, dof, _ = chi2_contingency(np.array(table), correction=False)
reference["chi_square"] = {"table": table, "labels": labels, "statistic": chi, "p": p, "dof": int(dof)}
# rows with the same feature values (iris has a few): the later copy in a split is an exact duplicate, a copy in test of
# a train row leaks, and copies with different labels conflict
def copies(tables):
    groups = {}
    for split, rows in tables:
        for n, (vals, label) in enumerate(rows):
            groups.setdefault(tuple(vals), []).append((split, n + 1, label))
    for where in groups.values():
        for k, (split, n, label) in enumerate(where):
            rel = f"{split}#{n}"
            expected.setdefault(rel, set())
            if any(w[0] == split for w in where[:k]):
                flag(rel, "exact-duplicate")
            if split.startswith("tab/test") and any(w[0].startswith("tab/train") for w in where):
                flag(rel, "split-leakage")
            if len({w[2] for w in where}) > 1:
                flag(rel, "conflicting-labels")


def rows_of(idx, dirty):
    out = []
    for n, i in enumerate(idx):
        vals = [f"{v:g}" for v in X[i]]
        if dirty:
            dirty_values(n, vals)
        out.append((vals, y[i]))
    return out


copies([("tab/train/iris.csv", rows_of(train_idx, True)), ("tab/test/iris.csv", rows_of(test_idx, False))])
flag("tab/train/iris.csv#8", "out-of-range-values")
copies([("tabclean/iris.csv", rows_of(shuffled, False))])
with open(path("tabclean/iris.csv"), "w") as f:
    f.write("id," + ",".join(names) + ",species\n")
    for n, i in enumerate(shuffled):
        f.write(f"{ids[n]}," + ",".join(f"{v:g}" for v in X[i]) + f",{y[i]}\n")
with open(os.path.join(OUT, "expected.json"), "w") as f:
    json.dump({k: sorted(v) for k, v in sorted(expected.items())}, f, indent=1)
with open(os.path.join(OUT, "reference.json"), "w") as f:
    json.dump(reference, f, indent=1)

"""Damaged and unusual predictions files for comparing `runlens evaluate` before and after a change (byte for byte).

Usage: python3 predictions_cases.py OUTDIR   (about 400 MB: 200,000-row files and smaller)
Then, for each build:  for f in OUTDIR/*.csv OUTDIR/*.jsonl; do runlens evaluate $f --format json > out/$(basename $f).json
2> out/$(basename $f).err; echo "rc=$?" >> out/$(basename $f).err; done   and diff -r the two output folders.
The JSONL and the blank-line / ragged files are written at the end.
"""
import random, sys, os
out = sys.argv[1]
os.makedirs(out, exist_ok=True)
def probs(rng, k):
    w = [rng.random() ** 3 for _ in range(k)]
    s = sum(w)
    return [x / s for x in w]
def write(name, n, k, *, ids=True, pred=True, dup=False, empty_id=False, offsum=False, notargmax=False,
          pad=False, empty_label=None, unknown=None, badprob=None, spaces=False, seed=1, nonascii=False):
    rng = random.Random(seed)
    cls = [f"k{c:02d}" for c in range(k)]
    head = (["example_id"] if ids else []) + ["label"] + (["predicted"] if pred else []) + [f"prob_{c}" for c in cls]
    with open(os.path.join(out, name), "w", newline="") as f:
        f.write(",".join(head) + "\n")
        for i in range(n):
            p = probs(rng, k)
            am = max(range(k), key=lambda j: p[j])
            y = am if rng.random() < 0.7 else rng.randrange(k)
            pr = am
            if notargmax and i % 997 == 5: pr = (am + 1) % k
            if offsum and i % 1013 == 7: p[0] += 0.01
            row = []
            if ids:
                iid = str(i)
                if dup and i % 5003 == 11: iid = str(i - 3)
                if empty_id and i % 7001 == 13: iid = "" if i % 2 else "  "
                if nonascii and i % 11 == 0: iid = f"é{i}ü"
                row.append(iid)
            lab = cls[y]
            if pad and i % 3 == 0: lab = " " + lab + " "
            if empty_label is not None and i in empty_label: lab = ""
            if unknown is not None and i in unknown: lab = "zz"
            row.append(lab)
            if pred: row.append(cls[pr])
            ps = [repr(x) for x in p]
            if spaces and i % 4 == 1: ps[1] = " " + ps[1] + "\t"
            if spaces and i % 9 == 2: ps[0] = "%.3e" % p[0]
            if badprob is not None and i in badprob: ps[2] = "x0.1" if i % 2 else "1.5"
            row += ps
            f.write(",".join(row) + "\n")
write("dups_empty.csv", 200_000, 10, dup=True, empty_id=True, nonascii=True, seed=1)
write("offsum_notargmax.csv", 180_000, 10, offsum=True, notargmax=True, seed=2)
write("padded.csv", 160_000, 5, pad=True, spaces=True, seed=3)
write("noid.csv", 150_000, 10, ids=False, seed=4)
write("nopred.csv", 140_000, 10, pred=False, seed=5)
write("emptylabel.csv", 150_000, 10, empty_label={70_001, 140_002}, seed=6)
write("unknown.csv", 150_000, 10, unknown={90_001, 120_002}, seed=7)
write("badprob.csv", 150_000, 10, badprob={100_001, 130_002}, seed=8)
write("k20.csv", 150_000, 20, seed=9)
write("k2.csv", 200_000, 2, seed=10)
import json
def extra(out):
    rng = random.Random(3)
    with open(os.path.join(out, "blanks.csv"), "w") as f:
        f.write("example_id,label,prob_a,prob_b\n")
        rows = []
        for i in range(300000):
            p = rng.random()
            rows.append(f"{i},{'a' if rng.random() < p else 'b'},{p!r},{1 - p!r}")
            if i % 50000 == 7:
                rows.append("")
        f.write("\n".join(rows))  # no last line end
    with open(os.path.join(out, "ragged.csv"), "w") as f:
        f.write("example_id,label,prob_a,prob_b\n")
        for i in range(300000):
            p = rng.random()
            if i == 250000:
                f.write(f"{i},a,{p!r}\n")
                continue
            if i % 40000 == 3:
                f.write("\n")
            f.write(f"{i},{'a' if rng.random() < p else 'b'},{p!r},{1 - p!r}\n")
    with open(os.path.join(out, "k2.csv")) as src, open(os.path.join(out, "quoted.csv"), "w") as dst:
        for n, line in enumerate(src):
            dst.write('"0",' + line[2:] if n == 1 else line)  # one quoted cell: the record reader
    rng = random.Random(5)
    for name, bad in (("j_ok.jsonl", None), ("j_badid.jsonl", 70000)):
        with open(os.path.join(out, name), "w") as f:
            for i in range(100000):
                p = rng.random()
                iid = {"x": 1} if i == bad else str(i)
                f.write(json.dumps({"example_id": iid, "label": "a" if rng.random() < p else "b", "prob_a": p, "prob_b": 1 - p}) + "\n")
extra(out)

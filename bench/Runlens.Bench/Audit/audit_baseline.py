#!/usr/bin/python3
"""The image part of the audit in Python with PIL and NumPy, as the bench's baseline: per image the SHA-256, a PIL
decode, OpenCV's grey weights, the Laplacian variance (reflected borders), mean and standard deviation, a 32x32 box
average and the DCT perceptual hash (and its three rotations); then exact duplicates by hash and near duplicates by
comparing every pair of perceptual hashes. Two worker processes (the machine's two cores). Prints images/s.

Usage: audit_baseline.py FOLDER
"""
import hashlib, io, os, sys, time
from multiprocessing import Pool

import numpy as np
from PIL import Image

N = 32
COS = np.cos(np.pi * (2 * np.arange(N)[None, :] + 1) * np.arange(8)[:, None] / (2 * N))


def phash(cells):
    low = COS @ cells @ COS.T
    return np.packbits((low > np.median(low)).ravel()).view(">u8")[0]


def measure(path):
    data = open(path, "rb").read()
    sha = hashlib.sha256(data).hexdigest()
    rgb = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"), dtype=np.int64)
    gray = (rgb[..., 0] * 9798 + rgb[..., 1] * 19235 + rgb[..., 2] * 3735 + 16384) >> 15
    p = np.pad(gray, 1, mode="reflect")
    lap = p[:-2, 1:-1] + p[2:, 1:-1] + p[1:-1, :-2] + p[1:-1, 2:] - 4 * gray
    h, w = gray.shape
    ys = np.arange(N + 1) * h // N
    xs = np.arange(N + 1) * w // N
    cells = np.add.reduceat(np.add.reduceat(gray, ys[:-1], axis=0), xs[:-1], axis=1) / np.outer(np.diff(ys), np.diff(xs))
    hashes = [phash(np.rot90(cells, -k)) for k in range(4)]
    return path, sha, float(lap.var()), float(gray.mean()), float(gray.std()), hashes


def main(folder):
    files = sorted(os.path.join(d, f) for d, _, fs in os.walk(folder) for f in fs if f.endswith(".jpg"))
    start = time.perf_counter()
    with Pool(2) as pool:
        rows = pool.map(measure, files, chunksize=64)
    groups = {}
    for path, sha, *_ in rows:
        groups.setdefault(sha, []).append(path)
    hashes = np.array([r[5][0] for r in rows], dtype=np.uint64)
    near = 0
    for i in range(len(hashes) - 1):
        x = np.bitwise_xor(hashes[i + 1:], hashes[i])
        bits = np.unpackbits(x.view(np.uint8).reshape(-1, 8), axis=1).sum(axis=1)
        near += int((bits <= 6).sum())
    elapsed = time.perf_counter() - start
    print(f"python PIL+numpy: {len(files)} images in {elapsed:.2f} s = {len(files) / elapsed:.0f} images/s "
          f"({sum(len(g) - 1 for g in groups.values())} exact copies, {near} near pairs)")


if __name__ == "__main__":
    main(sys.argv[1])

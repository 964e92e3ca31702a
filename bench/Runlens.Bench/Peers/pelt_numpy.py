"""The peer of `runlens changepoints` in the `peers` bench. ruptures is not packaged by Debian and cannot be installed
here, so this runs ruptures 1.1.10's own procedure written out over numpy, as
tests/fixtures/oracles/ruptures/make_rbf_long.py does (that script replays the real ruptures outputs of rbf.jsonl exactly
before it writes anything): Pelt._seg (partitions as dicts summed in insertion order; the admissible list pruned with
`<= best + pen`) with CostL2.error (the segment's variance times its length) or CostRbf (scipy pdist/squareform, the
median heuristic, a dense n x n Gram matrix; it refuses when that table would not fit in memory).

    /usr/bin/python3 pelt_numpy.py FILE.csv l2|rbf PENALTY MIN_SIZE JUMP
prints: breakpoints [..]
"""
import json
import math
import sys

import numpy as np

path, model, pen, min_size, jump = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
signal = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
n = signal.shape[0]

if model == "l2":
    def error(start, end):
        return signal[start:end].var(axis=0).sum() * (end - start)
else:
    table_bytes = 8.0 * n * n
    if table_bytes > 8e9:
        print("refused: the dense %d x %d kernel table would take %.0f GB" % (n, n, table_bytes / 1e9))
        sys.exit(3)
    from scipy.spatial.distance import pdist, squareform
    k = pdist(signal, metric="sqeuclidean")
    median = np.median(k)
    gamma = 1 / median if median != 0 else 1.0
    k *= gamma
    np.clip(k, 1e-2, 1e2, k)
    g = np.exp(squareform(-k))
    del k

    def error(start, end):
        sub = g[start:end, start:end]
        return np.diagonal(sub).sum() - sub.sum() / (end - start)

partitions = {0: {(0, 0): 0}}
admissible = []
ends = [t for t in range(0, n, jump) if t >= min_size] + [n]
for bkp in ends:
    admissible.append(math.floor((bkp - min_size) / jump) * jump)
    subproblems = []
    for t in admissible:
        if t not in partitions:
            continue
        tmp = partitions[t].copy()
        tmp.update({(t, bkp): error(t, bkp) + pen})
        subproblems.append(tmp)
    partitions[bkp] = min(subproblems, key=lambda d: sum(d.values()))
    best = sum(partitions[bkp].values())
    admissible = [t for t, p in zip(admissible, subproblems) if sum(p.values()) <= best + pen]
best_partition = partitions[n]
del best_partition[(0, 0)]
print("breakpoints " + json.dumps(sorted(e for (s, e) in best_partition)))

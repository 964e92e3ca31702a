"""The peer of `runlens evaluate predictions.csv` in the `peers` bench: pandas read_csv of the predictions file, then
every metric Runlens computes, with scikit-learn (Debian's python3-pandas and python3-sklearn; run with
/usr/bin/python3). The metric list is tests/fixtures/oracles/sklearn/time_sklearn.py's all_metrics (passed as the second
argument: that folder), the one the metrics oracles use.

    /usr/bin/python3 sklearn_metrics.py FILE ORACLES_SKLEARN_DIR
prints: examples N classes K accuracy A macro_f1 F
"""
import sys
import warnings

import numpy as np
import pandas as pd

sys.path.insert(0, sys.argv[2])
from time_sklearn import all_metrics  # noqa: E402

frame = pd.read_csv(sys.argv[1])
prob_columns = [c for c in frame.columns if c.startswith("prob_")]
classes = [c[len("prob_"):] for c in prob_columns]
index = {c: i for i, c in enumerate(classes)}
y = frame["label"].astype(str).map(index).to_numpy()
p = frame["predicted"].astype(str).map(index).to_numpy()
probs = frame[prob_columns].to_numpy(dtype=np.float64)
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    out = all_metrics(y, p, probs, len(classes))
print("examples %d classes %d accuracy %.6f macro_f1 %.6f" % (len(y), len(classes), out["accuracy"], out["prf_macro"][2]))

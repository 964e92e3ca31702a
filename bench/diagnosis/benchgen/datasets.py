"""The data a run was trained on, written as a user would have it on disk, for `runlens analyze LOG --data-dir DATA`.

`runs/ID/data/train/train.csv` and `runs/ID/data/validation/validation.csv` (split folders, as `runlens audit` recognises
them): one row per example, the input features as the model saw them (tabular: `x0`..`xN`, the float32 values written
exactly, shortest round-trip; token sequences: `t0`..`tN`, the token ids) and a `label` column with the class names.
The task is rebuilt from the run's training seed exactly as the trainer builds it (trainer.prepare_task with the same
numpy generator), so the files are the trainer's arrays and regenerating a run writes the same bytes.

Which runs carry data (DATA_RUNS): every leakage run, and a control group of runs of the same data families (the
scikit-learn make_classification task both leakage variants use, and the token-sequence tasks) that are not leaked:
healthy runs and runs of other conditions whose data is sound.
"""
import os

import numpy as np

from . import trainer

# (condition, variant) whose runs carry their data: the leakage runs and the control group.
DATA_RUNS = {
    ("leakage", "duplicates"),
    ("leakage", "target-feature"),
    # controls on make_classification (the leakage runs' own data family)
    ("healthy-early-stopped", "mlp-synthetic"),
    ("overfitting", "loss-only"),
    ("overfitting", "with-metric"),
    ("no-signal", "small-model"),
    # controls on token sequences (healthy runs; small files)
    ("healthy-converged", "gru-tokens"),
    ("healthy-converged", "transformer-tokens"),
    ("healthy-improving", "gru-tokens"),
    ("healthy-early-stopped", "gru-tokens"),
    ("schedule-restart", "transformer-tokens"),
}


def carries_data(condition, variant):
    return (condition, variant) in DATA_RUNS


def _cell(v, kind):
    if kind == "sequence":
        return str(int(v))
    return np.format_float_positional(np.float32(v), unique=True, trim="-")


def _write_split(path, x, y, classes, kind):
    x = np.asarray(x)
    rows = x.reshape(len(x), -1)
    prefix = "t" if kind == "sequence" else "x"
    header = ",".join(["%s%d" % (prefix, i) for i in range(rows.shape[1])] + ["label"])
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", newline="") as f:
        f.write(header + "\n")
        for row, label in zip(rows, y):
            f.write(",".join([_cell(v, kind) for v in row] + [classes[int(label)]]) + "\n")


def write(run_dir, spec, train_seed):
    """Writes run_dir/data/{train,validation}/ from the spec and the training seed (the trainer's own data)."""
    task = trainer.prepare_task(spec, np.random.default_rng(train_seed))
    data = os.path.join(run_dir, "data")
    _write_split(os.path.join(data, "train", "train.csv"), task.x_train, task.y_train, task.classes, task.kind)
    _write_split(os.path.join(data, "validation", "validation.csv"), task.x_val, task.y_val, task.classes, task.kind)
    return data

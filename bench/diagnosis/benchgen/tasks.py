"""Data sets: scikit-learn's bundled ones, scikit-learn's synthetic generator and synthetic sequence tasks.

Every task is built from a seed alone (numpy Generator), so a run is reproducible from its spec.
"""
import numpy as np
from sklearn.datasets import load_breast_cancer, load_digits, load_wine, make_classification


class Task:
    """Arrays for one run: inputs (float features, 8x8 images or token sequences), labels and class names."""

    def __init__(self, name, kind, x_train, y_train, x_val, y_val, classes, vocab=None):
        self.name = name
        self.kind = kind  # "tabular" | "image" | "sequence"
        self.x_train, self.y_train = x_train, y_train
        self.x_val, self.y_val = x_val, y_val
        self.classes = classes
        self.vocab = vocab
        self.train_ids = ["train-%05d" % i for i in range(len(y_train))]
        self.val_ids = ["val-%05d" % i for i in range(len(y_val))]

    @property
    def n_classes(self):
        return len(self.classes)

    @property
    def n_features(self):
        return self.x_train.shape[1] if self.kind == "tabular" else None


def _split(rng, x, y, n_train, n_val):
    order = rng.permutation(len(y))
    tr, va = order[:n_train], order[n_train:n_train + n_val]
    return x[tr], y[tr], x[va], y[va]


def _standardise(x_train, x_val):
    mean = x_train.mean(axis=0)
    std = x_train.std(axis=0) + 1e-8
    return (x_train - mean) / std, (x_val - mean) / std


def digits(rng, n_train=1200, n_val=597, image=False):
    d = load_digits()
    x = (d.data / 16.0).astype(np.float32)
    xt, yt, xv, yv = _split(rng, x, d.target.astype(np.int64), n_train, n_val)
    if image:
        xt, xv = xt.reshape(-1, 1, 8, 8), xv.reshape(-1, 1, 8, 8)
    return Task("digits", "image" if image else "tabular", xt, yt, xv, yv, [str(c) for c in range(10)])


def breast_cancer(rng, n_train=400, n_val=169, standardise=True):
    d = load_breast_cancer()
    x = d.data.astype(np.float32)
    xt, yt, xv, yv = _split(rng, x, d.target.astype(np.int64), n_train, n_val)
    if standardise:
        xt, xv = _standardise(xt, xv)
    return Task("breast-cancer", "tabular", xt.astype(np.float32), yt, xv.astype(np.float32), yv, ["malignant", "benign"])


def wine(rng, n_train=120, n_val=58):
    d = load_wine()
    xt, yt, xv, yv = _split(rng, d.data.astype(np.float32), d.target.astype(np.int64), n_train, n_val)
    xt, xv = _standardise(xt, xv)
    return Task("wine", "tabular", xt.astype(np.float32), yt, xv.astype(np.float32), yv, ["class_0", "class_1", "class_2"])


def synthetic(rng, n_train=1500, n_val=600, n_classes=3, n_features=20, n_informative=8, class_sep=1.0,
              weights=None, clusters=2, flip_y=0.0):
    """scikit-learn's make_classification (a random_state drawn from the run's generator); flip_y is its share of
    labels assigned at random, the data set's own irreducible noise."""
    x, y = make_classification(n_samples=n_train + n_val, n_features=n_features, n_informative=n_informative,
                               n_redundant=2, n_classes=n_classes, n_clusters_per_class=clusters,
                               class_sep=class_sep, weights=weights, flip_y=flip_y,
                               random_state=int(rng.integers(0, 2**31 - 1)))
    xt, yt, xv, yv = _split(rng, x.astype(np.float32), y.astype(np.int64), n_train, n_val)
    xt, xv = _standardise(xt, xv)
    names = ["a", "b", "c", "d", "e", "f", "g", "h"][:n_classes]
    return Task("synthetic-%dclass" % n_classes, "tabular", xt.astype(np.float32), yt, xv.astype(np.float32), yv, names)


def xor(rng, n_train=1500, n_val=600, n_features=10):
    """The label is the sign of x0 * x1 (two noisy features among distractors): no linear model can separate it."""
    x = rng.normal(size=(n_train + n_val, n_features)).astype(np.float32)
    y = ((x[:, 0] * x[:, 1]) > 0).astype(np.int64)
    return Task("xor", "tabular", x[:n_train], y[:n_train], x[n_train:], y[n_train:], ["neg", "pos"])


def majority_tokens(rng, n_train=1200, n_val=400, length=16, vocab=8, n_classes=3, flip=0.0):
    """Sequences of tokens 1..vocab-1; the label is which of the marker tokens 1..n_classes occurs most often (a
    counting task both recurrent networks and attention solve). Ties are resolved by resampling. `flip` is a share of
    labels drawn at random instead (the task's own irreducible noise, in both splits)."""
    xs, ys = [], []
    while len(ys) < n_train + n_val:
        seq = rng.integers(1, vocab, size=length)
        counts = np.array([(seq == m).sum() for m in range(1, n_classes + 1)])
        top = counts.max()
        if (counts == top).sum() != 1:
            continue
        xs.append(seq)
        ys.append(int(counts.argmax()))
    x = np.array(xs, dtype=np.int64)
    y = np.array(ys, dtype=np.int64)
    if flip > 0:
        random = rng.random(len(y)) < flip
        y = np.where(random, rng.integers(0, n_classes, size=len(y)), y)
    return Task("majority-tokens", "sequence", x[:n_train], y[:n_train], x[n_train:], y[n_train:],
                ["m%d" % (m + 1) for m in range(n_classes)], vocab=vocab)


def first_token(rng, n_train=1200, n_val=400, length=40, vocab=10, n_classes=4):
    """The label is the first token (one of n_classes markers) of a long random sequence: a long-range dependency that
    a recurrent network must carry through every time step."""
    y = rng.integers(0, n_classes, size=n_train + n_val)
    x = rng.integers(n_classes + 1, vocab, size=(n_train + n_val, length))
    x[:, 0] = y + 1
    return Task("first-token", "sequence", x[:n_train].astype(np.int64), y[:n_train].astype(np.int64),
                x[n_train:].astype(np.int64), y[n_train:].astype(np.int64), ["t%d" % c for c in range(n_classes)], vocab=vocab)


BUILDERS = {
    "digits": lambda rng, **kw: digits(rng, **kw),
    "digits-image": lambda rng, **kw: digits(rng, image=True, **kw),
    "breast-cancer": breast_cancer,
    "wine": wine,
    "synthetic": synthetic,
    "xor": xor,
    "majority-tokens": majority_tokens,
    "first-token": first_token,
}


def build(name, rng, **kwargs):
    return BUILDERS[name](rng, **kwargs)

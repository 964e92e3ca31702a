"""The architectures: an MLP (any depth and activation), a small CNN, recurrent classifiers (vanilla RNN, GRU, LSTM)
and a small transformer encoder. Each maps a batch to class logits."""
import math

import torch
from torch import nn

ACTIVATIONS = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid, "gelu": nn.GELU, "leaky-relu": lambda: nn.LeakyReLU(0.1)}


class MLP(nn.Module):
    def __init__(self, n_in, hidden, n_out, activation="relu", dropout=0.0, init_std=None):
        super().__init__()
        layers = []
        width = n_in
        for h in hidden:
            layers.append(nn.Linear(width, h))
            layers.append(ACTIVATIONS[activation]())
            if dropout > 0:
                layers.append(nn.Dropout(dropout))
            width = h
        layers.append(nn.Linear(width, n_out))
        self.net = nn.Sequential(*layers)
        if init_std is not None:
            for m in self.net:
                if isinstance(m, nn.Linear):
                    nn.init.normal_(m.weight, 0.0, init_std)
                    nn.init.zeros_(m.bias)

    def forward(self, x):
        return self.net(x.flatten(1))


class SmallCNN(nn.Module):
    """For 1x8x8 images (scikit-learn's digits)."""

    def __init__(self, n_out, channels=16, dropout=0.0):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, channels, 3, padding=1), nn.ReLU(),
            nn.Conv2d(channels, 2 * channels, 3, padding=1), nn.ReLU(),
            nn.MaxPool2d(2))
        self.head = nn.Sequential(nn.Flatten(), nn.Dropout(dropout), nn.Linear(2 * channels * 16, 64), nn.ReLU(),
                                  nn.Linear(64, n_out))

    def forward(self, x):
        return self.head(self.features(x))


class RecurrentClassifier(nn.Module):
    """Embedding, a recurrent layer (rnn-relu, rnn-tanh, gru, lstm), the last hidden state, a linear head."""

    def __init__(self, vocab, n_out, cell="gru", embed=32, hidden=64, recurrent_gain=None):
        super().__init__()
        self.embed = nn.Embedding(vocab, embed)
        if cell.startswith("rnn"):
            self.rnn = nn.RNN(embed, hidden, batch_first=True, nonlinearity=cell.split("-")[1])
        elif cell == "gru":
            self.rnn = nn.GRU(embed, hidden, batch_first=True)
        else:
            self.rnn = nn.LSTM(embed, hidden, batch_first=True)
        if recurrent_gain is not None:
            for name, p in self.rnn.named_parameters():
                if name.startswith("weight_hh"):
                    rows = p.shape[0] // p.shape[1]
                    for r in range(rows):
                        block = p.data[r * p.shape[1]:(r + 1) * p.shape[1]]
                        nn.init.orthogonal_(block, gain=recurrent_gain)
        self.head = nn.Linear(hidden, n_out)

    def forward(self, x):
        out, _ = self.rnn(self.embed(x))
        return self.head(out[:, -1])


class TransformerClassifier(nn.Module):
    """A small pre-norm transformer encoder over token embeddings plus learned positions, mean-pooled."""

    def __init__(self, vocab, n_out, length, d_model=32, heads=4, layers=2, ff=64, dropout=0.0):
        super().__init__()
        self.embed = nn.Embedding(vocab, d_model)
        self.pos = nn.Parameter(torch.randn(1, length, d_model) / math.sqrt(d_model))
        layer = nn.TransformerEncoderLayer(d_model, heads, ff, dropout=dropout, batch_first=True, norm_first=True)
        self.encoder = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)
        self.head = nn.Linear(d_model, n_out)

    def forward(self, x):
        h = self.encoder(self.embed(x) + self.pos[:, :x.shape[1]])
        return self.head(h.mean(dim=1))


def build(arch, task, **kw):
    if arch == "mlp":
        n_in = task.x_train.reshape(len(task.x_train), -1).shape[1]
        return MLP(n_in, kw.get("hidden", [128]), task.n_classes, kw.get("activation", "relu"), kw.get("dropout", 0.0),
                   kw.get("init_std"))
    if arch == "cnn":
        return SmallCNN(task.n_classes, kw.get("channels", 16), kw.get("dropout", 0.0))
    if arch in ("gru", "lstm", "rnn-relu", "rnn-tanh"):
        return RecurrentClassifier(task.vocab, task.n_classes, arch, kw.get("embed", 32), kw.get("hidden_size", 64),
                                   kw.get("recurrent_gain"))
    if arch == "transformer":
        return TransformerClassifier(task.vocab, task.n_classes, task.x_train.shape[1], kw.get("d_model", 32),
                                     kw.get("heads", 4), kw.get("layers", 2), kw.get("ff", 64), kw.get("dropout", 0.0))
    raise ValueError("unknown architecture " + arch)

"""Model assembled by runlens agent from the {{KIND}} template: {{SUMMARY}}"""
import math

from torch import nn

HIDDEN_SIZE = {{HIDDEN_SIZE}}
LAYERS = {{LAYERS}}
DROPOUT = {{DROPOUT}}


def as_sequence(x):
    """[B, C, H, W] -> [B, H, C*W] (rows as time steps); [B, T, F] as is; [B, F] -> [B, F, 1]."""
    if x.dim() == 4:
        return x.permute(0, 2, 1, 3).flatten(2)
    if x.dim() == 2:
        return x.unsqueeze(-1)
    return x


def sequence_features(input_shape):
    if len(input_shape) == 3:
        return input_shape[0] * input_shape[2]
    if len(input_shape) == 2:
        return input_shape[1]
    return 1


class RecurrentNet(nn.Module):
    """A {{KIND}} over the input read as a sequence; the last step's state goes through dropout to a linear head."""

    def __init__(self, input_shape, num_classes):
        super().__init__()
        self.rnn = nn.{{CLASS}}(sequence_features(input_shape), HIDDEN_SIZE, num_layers=LAYERS, batch_first=True,
                              dropout=DROPOUT if LAYERS > 1 else 0.0)
        self.dropout = nn.Dropout(DROPOUT)
        self.head = nn.Linear(HIDDEN_SIZE, num_classes)

    def forward(self, x):
        out, _ = self.rnn(as_sequence(x))
        return self.head(self.dropout(out[:, -1]))


def build_model(config, input_shape, num_classes):
    return RecurrentNet(input_shape, num_classes)

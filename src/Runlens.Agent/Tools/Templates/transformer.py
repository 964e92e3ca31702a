"""Model assembled by runlens agent from the transformer template: {{SUMMARY}}"""
import torch
from torch import nn

D_MODEL = {{D_MODEL}}
HEADS = {{HEADS}}
LAYERS = {{LAYERS}}
DROPOUT = {{DROPOUT}}


def as_sequence(x):
    """[B, C, H, W] -> [B, H, C*W] (rows as tokens); [B, T, F] as is; [B, F] -> [B, F, 1]."""
    if x.dim() == 4:
        return x.permute(0, 2, 1, 3).flatten(2)
    if x.dim() == 2:
        return x.unsqueeze(-1)
    return x


def sequence_shape(input_shape):
    if len(input_shape) == 3:
        return input_shape[1], input_shape[0] * input_shape[2]
    if len(input_shape) == 2:
        return input_shape[0], input_shape[1]
    return input_shape[0], 1


class TransformerNet(nn.Module):
    """A small transformer encoder: a linear embedding with learned positions, LAYERS encoder layers, mean pooling, a
    linear head."""

    def __init__(self, input_shape, num_classes):
        super().__init__()
        length, features = sequence_shape(input_shape)
        self.embed = nn.Linear(features, D_MODEL)
        self.position = nn.Parameter(torch.zeros(1, length, D_MODEL))
        layer = nn.TransformerEncoderLayer(D_MODEL, HEADS, dim_feedforward=4 * D_MODEL, dropout=DROPOUT, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, LAYERS)
        self.head = nn.Linear(D_MODEL, num_classes)

    def forward(self, x):
        h = self.encoder(self.embed(as_sequence(x)) + self.position)
        return self.head(h.mean(dim=1))


def build_model(config, input_shape, num_classes):
    return TransformerNet(input_shape, num_classes)

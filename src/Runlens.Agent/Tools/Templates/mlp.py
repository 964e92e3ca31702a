"""Model assembled by runlens agent from the mlp template: {{SUMMARY}}"""
import math

from torch import nn

HIDDEN = {{HIDDEN}}
DROPOUT = {{DROPOUT}}


def build_model(config, input_shape, num_classes):
    """A multi-layer perceptron over the flattened input: Linear + ReLU (+ Dropout) per hidden layer, then a linear head."""
    width = math.prod(input_shape)
    layers = [nn.Flatten()]
    for size in HIDDEN:
        layers += [nn.Linear(width, size), nn.ReLU()]
        if DROPOUT > 0:
            layers.append(nn.Dropout(DROPOUT))
        width = size
    layers.append(nn.Linear(width, num_classes))
    return nn.Sequential(*layers)

"""Model assembled by runlens agent from the cnn template: {{SUMMARY}}"""
from torch import nn

CHANNELS = {{CHANNELS}}
KERNEL_SIZE = {{KERNEL_SIZE}}
DROPOUT = {{DROPOUT}}


class ConvNet(nn.Module):
    """Convolutions with ReLU (2-D for [C, H, W] inputs, 1-D for [C, L] or [L]), global average pooling, a linear head."""

    def __init__(self, input_shape, num_classes):
        super().__init__()
        self.two_d = len(input_shape) == 3
        conv = nn.Conv2d if self.two_d else nn.Conv1d
        channels = input_shape[0] if len(input_shape) >= 2 else 1
        layers = []
        for out in CHANNELS:
            layers += [conv(channels, out, KERNEL_SIZE, padding=KERNEL_SIZE // 2), nn.ReLU()]
            channels = out
        self.features = nn.Sequential(*layers)
        self.pool = nn.AdaptiveAvgPool2d(1) if self.two_d else nn.AdaptiveAvgPool1d(1)
        self.dropout = nn.Dropout(DROPOUT)
        self.head = nn.Linear(channels, num_classes)

    def forward(self, x):
        if x.dim() == 2:
            x = x.unsqueeze(1)
        return self.head(self.dropout(self.pool(self.features(x)).flatten(1)))


def build_model(config, input_shape, num_classes):
    return ConvNet(input_shape, num_classes)

"""The diagnosis benchmark's generator: data, models, a training loop and the log writers (see ../README.md)."""

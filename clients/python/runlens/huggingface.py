"""The Hugging Face Trainer callback, as ``runlens.huggingface.RunlensCallback`` (the same class as
``runlens_callback.RunlensCallback``; see docs/callback.md)."""

from runlens_callback import RunlensCallback, runlens_guard

__all__ = ["RunlensCallback", "runlens_guard"]

"""Runlens' Python client (standard library only).

- ``runlens.TrainingMonitor``: for a hand-written loop; ``monitor.log_step(step, metrics)`` records the step and returns
  the anomalies and control actions found so far.
- ``runlens.RunlensCallback`` / ``runlens.runlens_guard``: the Hugging Face Trainer callback (``runlens_callback``).
- ``runlens.lightning.RunlensLightningCallback``: PyTorch Lightning (imports ``lightning``, else ``pytorch_lightning``).
- ``runlens.keras.RunlensKerasCallback``: Keras (imports ``keras``, else ``tensorflow.keras``).

Every integration writes the same ``runlens.jsonl`` (schema ``runlens.callback/v1``) that ``runlens analyze``,
``runlens watch`` and ``runlens run`` read, can send the run to ``runlens serve``, and obeys the same control actions
(``stop``, ``reduce_lr``, ``rollback``). The framework integrations are imported only when asked for, so this package
imports without torch, Lightning, Keras or transformers.
"""

from runlens_callback import CONTROL_SCHEMA, FILE_NAME, SCHEMA, RunlensCallback, runlens_guard

from .monitor import Anomaly, StepReport, TrainingMonitor

__version__ = "0.1.0"

__all__ = ["TrainingMonitor", "Anomaly", "StepReport", "RunlensCallback", "runlens_guard", "SCHEMA", "CONTROL_SCHEMA",
           "FILE_NAME", "RunlensLightningCallback", "RunlensKerasCallback"]

_LAZY = {"RunlensLightningCallback": "lightning", "RunlensKerasCallback": "keras"}


def __getattr__(name):
    """``runlens.RunlensLightningCallback`` and ``runlens.RunlensKerasCallback`` import their framework on first use."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError("module 'runlens' has no attribute %r" % name)
    import importlib

    return getattr(importlib.import_module("runlens." + module), name)

"""``RunlensLightningCallback``: Runlens for PyTorch Lightning (imports ``lightning.pytorch``, else ``pytorch_lightning``).

::

    from runlens.lightning import RunlensLightningCallback

    trainer = lightning.Trainer(max_epochs=10, callbacks=[RunlensLightningCallback()])
    trainer.fit(model, train_loader, val_loader)

It records what the LightningModule logs with ``self.log`` (``trainer.callback_metrics``: training values every
``log_every_n_steps`` steps, validation values after each validation loop), the training loss the step returns, the
learning rate, the hyperparameters (``save_hyperparameters``), the parameter count, the dataset sizes and the
checkpoints, to the same ``runlens.jsonl`` as the Trainer callback (and to ``runlens serve`` with ``server=``). Control
actions: ``stop`` sets ``trainer.should_stop``, ``reduce_lr`` scales the optimizers' learning rates, ``rollback``
loads a checkpoint's ``state_dict`` into the module. An exception in training is recorded with its last frame.
"""

import math
import os

try:
    from lightning.pytorch import Callback as _Callback  # Lightning 2.x
except ImportError:  # pragma: no cover - depends on the environment
    try:
        from pytorch_lightning import Callback as _Callback  # the older package name
    except ImportError as e:
        raise ImportError("runlens.lightning needs PyTorch Lightning: pip install lightning "
                          "(runlens itself imports without it)") from e

from ._recorder import LoopArgs, LoopControl, LoopState, Recorder, number as _scalar

__all__ = ["RunlensLightningCallback"]


class RunlensLightningCallback(_Callback):
    """Records a Lightning run for Runlens and obeys its control actions.

    Args:
        dir: folder of ``runlens.jsonl``; default ``$RUNLENS_RUN_DIR``, else ``trainer.default_root_dir``.
        server, run_name, control_path, poll_seconds, flush_seconds, server_timeout: as ``RunlensCallback``.
        log_every_n_steps: record training values every this many steps (default: the Trainer's own).
    """

    def __init__(self, dir=None, server=None, run_name=None, control_path=None, poll_seconds=2.0, flush_seconds=5.0,
                 server_timeout=5.0, log_every_n_steps=None):
        super().__init__()
        self.dir = dir
        self.run_name = run_name
        self.log_every_n_steps = log_every_n_steps
        self._trainer = None
        self._module = None
        self._recorder = Recorder(dir=dir, server=server, run_name=run_name, control_path=control_path,
                                  poll_seconds=poll_seconds, flush_seconds=flush_seconds, server_timeout=server_timeout,
                                  scale_lr=self._scale_lr, load_checkpoint=self._load)
        self._args = None
        self._state = LoopState()
        self._control = LoopControl()
        self._recorded_val_step = None

    @property
    def path(self):
        return self._recorder.path

    # ---- Lightning hooks ---------------------------------------------------------------------------------------------

    def on_train_start(self, trainer, pl_module):
        self._trainer, self._module = trainer, pl_module
        self._sync(trainer)
        self._state.is_world_process_zero = bool(getattr(trainer, "is_global_zero", True))
        self._state.max_steps = _positive(getattr(trainer, "max_steps", None))
        self._state.num_train_epochs = _positive(getattr(trainer, "max_epochs", None))
        folder = self.dir or os.environ.get("RUNLENS_RUN_DIR") or getattr(trainer, "default_root_dir", None) or "."
        self._args = LoopArgs(output_dir=folder, run_name=self.run_name, config=_hyperparameters(pl_module))
        optimizers = list(getattr(trainer, "optimizers", None) or [])
        self._recorder.begin(self._args, self._state, model=pl_module,
                             optimizer=optimizers[0] if len(optimizers) == 1 else None,
                             datasets=_dataset_sizes(trainer))

    def on_train_batch_end(self, trainer, pl_module, outputs, batch, batch_idx):
        self._sync(trainer)
        every = self.log_every_n_steps or getattr(trainer, "log_every_n_steps", None) or 50
        step = self._state.global_step
        if step > 0 and step % every == 0:
            values = {k: v for k, v in _metrics(trainer).items() if not _is_validation(k)}
            # the loss the step returned, unless the module logs its training loss itself (one series, not two)
            loss = outputs.get("loss") if isinstance(outputs, dict) else outputs
            if _scalar(loss) is not None and not any("loss" in k.lower() for k in values):
                values["loss"] = _scalar(loss)
            for i, lr in enumerate(_learning_rates(trainer)):
                values["learning_rate" if i == 0 else "learning_rate_%d" % i] = lr
            self._recorder.log(self._args, self._state, self._control, values, epoch=self._epoch(trainer, batch_idx))
        else:
            self._recorder.poll(self._args, self._state, self._control)
        self._obey(trainer)

    def on_validation_end(self, trainer, pl_module):
        if self._args is None or getattr(trainer, "sanity_checking", False):
            return
        self._sync(trainer)
        values = {k: v for k, v in _metrics(trainer).items() if _is_validation(k)}
        if values and self._recorded_val_step != self._state.global_step:
            self._recorded_val_step = self._state.global_step
            self._recorder.log(self._args, self._state, self._control, values, epoch=self._state.epoch)
            self._recorder._flush_server(force=True)
        self._obey(trainer)

    def on_save_checkpoint(self, trainer, pl_module, checkpoint):
        if self._args is None:
            return
        self._sync(trainer)
        callback = getattr(trainer, "checkpoint_callback", None)
        best = getattr(callback, "best_model_path", None) or None
        score = getattr(callback, "best_model_score", None)
        self._state.best_model_checkpoint = best
        self._state.best_metric = _scalar(score) if score is not None else None
        path = os.path.join(getattr(callback, "dirpath", None) or self._args.output_dir,
                            "epoch=%d-step=%d.ckpt" % (int(getattr(trainer, "current_epoch", 0)), self._state.global_step))
        self._recorder.checkpoint(self._args, self._state, path)

    def on_train_end(self, trainer, pl_module):
        if self._args is None:
            return
        self._sync(trainer)
        self._recorder.end(self._args, self._state, self._control, "finished")
        self._recorder.close()

    def on_exception(self, trainer, pl_module, exception):
        self._recorder.record_exception(exception, status="killed" if isinstance(exception, KeyboardInterrupt) else "failed")
        self._recorder.close()

    # ---- internals ---------------------------------------------------------------------------------------------------

    def _sync(self, trainer):
        self._state.global_step = int(getattr(trainer, "global_step", 0) or 0)

    def _epoch(self, trainer, batch_idx):
        batches = _scalar(getattr(trainer, "num_training_batches", None))
        epoch = int(getattr(trainer, "current_epoch", 0) or 0)
        if batches and math.isfinite(batches) and batches > 0:
            value = epoch + (batch_idx + 1) / batches
        else:
            value = float(epoch)
        self._state.epoch = value
        return value

    def _obey(self, trainer):
        if self._control.should_training_stop:
            trainer.should_stop = True

    def _scale_lr(self, factor):
        optimizers = list(getattr(self._trainer, "optimizers", None) or [])
        if not optimizers:
            return None
        rates = []
        for optimizer in optimizers:
            for g in getattr(optimizer, "param_groups", []):
                if "lr" in g:
                    g["lr"] = g["lr"] * factor
                    rates.append(g["lr"])
                if "initial_lr" in g:
                    g["initial_lr"] = g["initial_lr"] * factor
        for config in getattr(self._trainer, "lr_scheduler_configs", None) or []:
            scheduler = getattr(config, "scheduler", None)
            if isinstance(getattr(scheduler, "base_lrs", None), list):
                scheduler.base_lrs = [b * factor for b in scheduler.base_lrs]
        return rates or None

    def _load(self, path):
        module = self._module
        if module is None or not callable(getattr(module, "load_state_dict", None)):
            return False, "checkpoint is %s (no LightningModule to load it into)" % path
        try:
            import torch  # type: ignore

            try:
                saved = torch.load(path, map_location="cpu", weights_only=False)
            except TypeError:
                saved = torch.load(path, map_location="cpu")
            weights = saved.get("state_dict", saved) if isinstance(saved, dict) else saved
            module.load_state_dict(weights)
            return True, "loaded the weights of %s" % path
        except Exception as e:
            return False, "could not load %s (%s: %s); the model was left as it was" % (path, type(e).__name__, e)


def _positive(value):
    n = _scalar(value)
    return n if n is not None and n > 0 else None


def _metrics(trainer):
    out = {}
    for k, v in dict(getattr(trainer, "callback_metrics", None) or {}).items():
        n = _scalar(v)
        if n is not None:
            out[str(k)] = n
    return out


def _is_validation(key):
    k = key.lower()
    return k.startswith(("val", "valid", "eval", "test")) or "/val" in k or "_val" in k


def _learning_rates(trainer):
    rates = []
    for optimizer in getattr(trainer, "optimizers", None) or []:
        for g in getattr(optimizer, "param_groups", []):
            if "lr" in g:
                rates.append(float(g["lr"]))
    return rates


def _hyperparameters(module):
    hparams = getattr(module, "hparams", None)
    try:
        return dict(hparams) if hparams is not None else {}
    except (TypeError, ValueError):
        return {}


def _dataset_sizes(trainer):
    sizes = {}
    for split, attr in (("train", "train_dataloader"), ("eval", "val_dataloaders")):
        loader = getattr(trainer, attr, None)
        if isinstance(loader, (list, tuple)):
            loader = loader[0] if loader else None
        dataset = getattr(loader, "dataset", None)
        try:
            if dataset is not None:
                sizes[split] = len(dataset)
        except TypeError:
            pass
    return sizes

"""``RunlensKerasCallback``: Runlens for Keras ``model.fit`` (imports ``keras``, else ``tensorflow.keras``).

::

    from runlens.keras import RunlensKerasCallback

    model.fit(x, y, validation_data=(xv, yv), epochs=10, callbacks=[RunlensKerasCallback(dir="out")])

It records the batch logs every ``log_every_n_batches`` batches (``loss`` and the compiled metrics), the epoch logs
(``val_loss``, ``val_accuracy``, …) at the end of each epoch, the learning rate, ``fit``'s parameters (epochs, steps)
and the optimizer's config, and the parameter count, to the same ``runlens.jsonl`` as the Trainer callback (and to
``runlens serve`` with ``server=``). Control actions: ``stop`` sets ``model.stop_training``, ``reduce_lr`` scales the
optimizer's ``learning_rate``, ``rollback`` calls ``model.load_weights`` with the checkpoint. Steps count training
batches from the start of ``fit``.
"""

import os

try:
    import keras as _keras  # Keras 3, or Keras 2 as its own package
    _Callback = _keras.callbacks.Callback
except ImportError:  # pragma: no cover - depends on the environment
    try:
        from tensorflow import keras as _keras  # type: ignore
        _Callback = _keras.callbacks.Callback
    except ImportError as e:
        raise ImportError("runlens.keras needs Keras: pip install keras (runlens itself imports without it)") from e

from ._recorder import LoopArgs, LoopControl, LoopState, Recorder, number as _number

__all__ = ["RunlensKerasCallback"]


class RunlensKerasCallback(_Callback):
    """Records a Keras ``fit`` for Runlens and obeys its control actions.

    Args:
        dir: folder of ``runlens.jsonl``; default ``$RUNLENS_RUN_DIR``, else ".".
        server, run_name, control_path, poll_seconds, flush_seconds, server_timeout: as ``RunlensCallback``.
        log_every_n_batches: record the batch logs every this many batches (default 50).
        config: extra hyperparameters to record with the run.
    """

    def __init__(self, dir=None, server=None, run_name=None, control_path=None, poll_seconds=2.0, flush_seconds=5.0,
                 server_timeout=5.0, log_every_n_batches=50, config=None):
        super().__init__()
        self.dir = dir
        self.run_name = run_name
        self.log_every_n_batches = max(1, int(log_every_n_batches))
        self.extra_config = dict(config or {})
        self._recorder = Recorder(dir=dir, server=server, run_name=run_name, control_path=control_path,
                                  poll_seconds=poll_seconds, flush_seconds=flush_seconds, server_timeout=server_timeout,
                                  scale_lr=self._scale_lr, load_checkpoint=self._load)
        self._args = None
        self._state = LoopState()
        self._control = LoopControl()
        self._epoch = 0
        self._last_batch_step = None

    @property
    def path(self):
        return self._recorder.path

    # ---- Keras hooks -------------------------------------------------------------------------------------------------

    def on_train_begin(self, logs=None):
        params = dict(getattr(self, "params", None) or {})
        self._state.global_step = 0
        epochs, steps = _number(params.get("epochs")), _number(params.get("steps"))
        self._state.num_train_epochs = epochs
        if epochs and steps:
            self._state.max_steps = int(epochs * steps)
        config = {"epochs": epochs, "steps_per_epoch": steps}
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is not None:
            config["optimizer"] = type(optimizer).__name__
            get_config = getattr(optimizer, "get_config", None)
            if callable(get_config):
                try:
                    for k, v in dict(get_config()).items():
                        config["optimizer." + str(k)] = v
                except Exception:
                    pass
            lr = self._learning_rate()
            if lr is not None:
                config["learning_rate"] = lr
        config.update(self.extra_config)
        folder = self.dir or os.environ.get("RUNLENS_RUN_DIR") or "."
        self._args = LoopArgs(output_dir=folder, run_name=self.run_name, config=config)
        info = None
        count = getattr(self.model, "count_params", None)
        if callable(count):
            try:
                info = {"parameters": int(count()), "class": type(self.model).__name__}
            except Exception:
                info = None
        self._recorder.begin(self._args, self._state, model=self.model, model_info=info)

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = int(epoch)

    def on_train_batch_end(self, batch, logs=None):
        self._state.global_step += 1
        steps = _number((getattr(self, "params", None) or {}).get("steps"))
        self._state.epoch = self._epoch + ((batch + 1) / steps if steps else 0.0)
        if self._state.global_step % self.log_every_n_batches == 0:
            values = {k: v for k, v in _numbers(logs).items()}
            lr = self._learning_rate()
            if lr is not None:
                values["learning_rate"] = lr
            self._recorder.log(self._args, self._state, self._control, values, epoch=self._state.epoch)
            self._last_batch_step = self._state.global_step
        else:
            self._recorder.poll(self._args, self._state, self._control)
        self._obey()

    def on_epoch_end(self, epoch, logs=None):
        self._state.epoch = float(epoch + 1)
        values = _numbers(logs)
        if self._last_batch_step == self._state.global_step:
            # the batch logs of this step are recorded already: add the validation values only
            values = {k: v for k, v in values.items() if k.startswith("val_")}
        if values:
            self._recorder.log(self._args, self._state, self._control, values, epoch=self._state.epoch)
            self._recorder._flush_server(force=True)
        self._obey()

    def on_train_end(self, logs=None):
        self._recorder.end(self._args, self._state, self._control, "finished")
        self._recorder.close()

    def record_exception(self, exc, status="failed"):
        """Keras has no exception hook: call this from your ``except`` (or use ``runlens_guard(callback)``)."""
        self._recorder.record_exception(exc, status=status)
        self._recorder.close()

    # ---- internals ---------------------------------------------------------------------------------------------------

    def _obey(self):
        if self._control.should_training_stop and self.model is not None:
            self.model.stop_training = True

    def _learning_rate(self):
        optimizer = getattr(self.model, "optimizer", None)
        lr = getattr(optimizer, "learning_rate", None) if optimizer is not None else None
        if lr is None:
            return None
        for read in (lambda: lr.numpy(), lambda: lr.value, lambda: lr):
            try:
                n = _number(read())
            except Exception:
                n = None
            if n is not None:
                return n
        return None

    def _scale_lr(self, factor):
        optimizer = getattr(self.model, "optimizer", None)
        current = self._learning_rate()
        if optimizer is None or current is None:
            return None
        new = current * factor
        lr = optimizer.learning_rate
        if callable(getattr(lr, "assign", None)):
            lr.assign(new)
        else:
            optimizer.learning_rate = new
        return [self._learning_rate()]

    def _load(self, path):
        load = getattr(self.model, "load_weights", None)
        if not callable(load):
            return False, "checkpoint is %s (the model has no load_weights)" % path
        try:
            load(path)
            return True, "loaded the weights of %s" % path
        except Exception as e:
            return False, "could not load %s (%s: %s); the model was left as it was" % (path, type(e).__name__, e)


def _numbers(logs):
    out = {}
    for k, v in dict(logs or {}).items():
        n = _number(v)
        if n is not None:
            out[str(k)] = n
    return out

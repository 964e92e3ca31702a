"""What every integration shares: the Trainer callback's recorder (the file, the server, the control document) driven
through a small stand-in for the Trainer's ``args``, ``state`` and ``control``, with the framework's own ways to change
the learning rate and load a checkpoint."""

import os

from runlens_callback import RunlensCallback, _number


def number(value):
    """A float from a Python, numpy or torch scalar (or a numeric string), else None."""
    n = _number(value)
    if n is not None:
        return float(n)
    if value is None or isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


class LoopArgs:
    """The part of ``TrainingArguments`` the recorder reads: where to write, the run's name and its config."""

    def __init__(self, output_dir=None, run_name=None, config=None):
        self.output_dir = output_dir
        self.run_name = run_name
        self._config = dict(config or {})

    def to_dict(self):
        return dict(self._config)


class LoopState:
    """The part of ``TrainerState`` the recorder reads."""

    def __init__(self):
        self.global_step = 0
        self.epoch = None
        self.max_steps = None
        self.num_train_epochs = None
        self.best_metric = None
        self.best_model_checkpoint = None
        self.is_world_process_zero = True


class LoopControl:
    """``TrainerControl``: a ``stop`` action sets ``should_training_stop``."""

    def __init__(self):
        self.should_training_stop = False


class Recorder(RunlensCallback):
    """The Trainer callback with framework hooks for ``reduce_lr`` and ``rollback``, remembering each action it applied.

    Args:
        scale_lr: ``factor -> [new learning rates]`` or None when the framework has no optimizer to change; default:
            the torch optimizer's ``param_groups`` (as the Trainer callback does).
        load_checkpoint: ``path -> (loaded, description)``; default: the Trainer callback's loader (a weights file or a
            Hugging Face checkpoint folder into the torch model).
    """

    def __init__(self, scale_lr=None, load_checkpoint=None, **kwargs):
        super().__init__(**kwargs)
        self._scale_lr_hook = scale_lr
        self._load_hook = load_checkpoint
        self.applied_actions = []

    def _apply(self, action, args, state, control):
        self.applied_actions.append(dict(action))
        super()._apply(action, args, state, control)

    def _scale_lr(self, factor):
        if self._scale_lr_hook is not None:
            return self._scale_lr_hook(factor)
        return super()._scale_lr(factor)

    def _rollback(self, path, args):
        if self._load_hook is not None:
            if not path:
                return False, "no checkpoint named and no best checkpoint known; nothing loaded"
            if not os.path.exists(path):
                return False, "checkpoint %s does not exist; nothing loaded" % path
            return self._load_hook(path)
        return super()._rollback(path, args)

    def begin(self, args, state, model=None, optimizer=None, scheduler=None, datasets=None, model_info=None):
        """Starts the run (``on_train_begin``). ``datasets`` maps ``train``/``eval`` to their sizes; ``model_info`` replaces
        the parameter count read from a torch model (``{"parameters": N, "trainable_parameters": N, "class": name}``)."""
        self._datasets = {k: int(v) for k, v in (datasets or {}).items() if _number(v) is not None}
        self._given_model_info = model_info
        kwargs = {"model": model, "optimizer": optimizer, "lr_scheduler": scheduler}
        self._remember(args, state, kwargs)
        self._begin(args, state, kwargs)

    def _dataset_info(self, kwargs):
        return dict(getattr(self, "_datasets", None) or {}) or super()._dataset_info(kwargs)

    def _model_info(self, model):
        given = getattr(self, "_given_model_info", None)
        return dict(given) if given else super()._model_info(model)

    def log(self, args, state, control, values, epoch=None):
        """Records values at ``state.global_step`` (as ``on_log``) and reads the control document."""
        logs = dict(values)
        if epoch is not None:
            logs["epoch"] = epoch
        self.on_log(args, state, control, logs=logs)

    def checkpoint(self, args, state, path):
        """Records a saved checkpoint (as ``on_save``, with the path the framework wrote)."""
        if self._is_writer(state):
            import time

            self._write({"type": "checkpoint", "step": state.global_step, "path": path, "time": time.time(),
                         "best": state.best_model_checkpoint, "best_metric": _number(state.best_metric)})
            self._flush_server(force=True)

    def poll(self, args, state, control):
        self._poll_control(args, state, control)

    def end(self, args, state, control, status="finished"):
        self._remember(args, state, {})
        if self._is_writer(state):
            self._write_state(state, control)
            self._finish(status, state)

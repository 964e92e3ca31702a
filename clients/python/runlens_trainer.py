"""Runlens reference trainer: trains a PyTorch classifier from an experiment config, the way ``runlens agent`` runs it.

Two commands (Python 3.9+, PyTorch, scikit-learn)::

    python3 runlens_trainer.py train --config configs/E001.json --seed 1 --out experiments/E001/seed-1
    python3 runlens_trainer.py check --config configs/E001.json

``train`` builds the model from the config's model module (``build_model(config, input_shape, num_classes)``), trains it
on the config's data set, and writes to ``--out``:

- ``runlens.jsonl`` through ``runlens_callback.RunlensCallback`` (schema ``runlens.callback/v1``): the config, the
  training loss, gradient norm and learning rate of every step, the validation loss, accuracy and macro-F1 of every
  epoch, checkpoints and the best checkpoint;
- ``predictions.csv``: the final model's validation predictions with one ``prob_<class>`` column per class (the format
  ``runlens evaluate`` reads);
- ``checkpoint-STEP/pytorch_model.bin``: the best and the last epoch's weights.

It obeys ``control.json`` (``$RUNLENS_CONTROL``) through the callback: ``stop`` ends training after the current step,
``reduce_lr`` scales the optimizer's learning rate, ``rollback`` loads the best checkpoint.

``check`` imports the model module, builds the model and runs a forward pass on a dummy batch of the data set's shape;
it prints one JSON object (``runlens.agent-model-summary/v1``): the input and output shapes, the parameter counts and
each layer with its own parameters (every leaf module, and any module holding parameters itself), which add up to the
total. ``runlens agent`` runs it before a model is trained.

The config (JSON, written by ``runlens agent``)::

    {"dataset": {"source": "sklearn:digits", "split": 0.25, "split_seed": 0, "standardize": true},
     "model": {"architecture": "mlp", "hidden": [64], "dropout": 0.0, "code": "models/E001.py"},
     "training": {"optimizer": "adam", "learning_rate": 0.001, "epochs": 10, "batch_size": 32, "weight_decay": 0.0},
     "limits": {"max_memory_mb": 4096}}

Data sets: ``sklearn:NAME`` (a data set scikit-learn ships: digits, iris, wine, breast_cancer), ``csv:PATH`` (numeric
feature columns and a ``target`` column, named by ``dataset.target``), or ``module:PATH.py:FUNCTION`` (a function that
returns ``(X, y)`` as arrays). Errors are one line on stderr naming the config key and what to do, exit code 2.
"""

import argparse
import importlib.util
import json
import math
import os
import sys
import time

SUMMARY_SCHEMA = "runlens.agent-model-summary/v1"

_HERE = os.path.dirname(os.path.abspath(__file__))
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)


class ConfigError(Exception):
    """A config or data problem the user can fix: printed as one line, exit code 2."""


def _limit_memory(config):
    """Caps this process's address space (``limits.max_memory_mb``) so that a model that asks for too much fails here."""
    mb = (config.get("limits") or {}).get("max_memory_mb")
    if not mb:
        return
    try:
        import resource
        size = int(mb) * 1024 * 1024
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            size = min(size, hard)
        resource.setrlimit(resource.RLIMIT_AS, (size, hard))
    except (ImportError, ValueError, OSError) as e:  # pragma: no cover - platform dependent
        sys.stderr.write("runlens_trainer: memory limit not set: %s\n" % e)


def _read_config(path):
    try:
        with open(path, "r", encoding="utf-8") as f:
            config = json.load(f)
    except OSError as e:
        raise ConfigError("%s: cannot read the config: %s" % (path, e.strerror or e))
    except ValueError as e:
        raise ConfigError("%s: not JSON (%s); write the config as a JSON object" % (path, e))
    if not isinstance(config, dict):
        raise ConfigError("%s: the config must be a JSON object" % path)
    config["_path"] = os.path.abspath(path)
    return config


def _section(config, name):
    value = config.get(name) or {}
    if not isinstance(value, dict):
        raise ConfigError("%s: \"%s\" must be an object" % (config.get("_path"), name))
    return value


def _relative_to_config(config, path):
    """A path from the config: relative paths are taken from the working folder (runlens agent's project folder)."""
    return os.path.abspath(path)


def load_dataset(config):
    """(X as float32 array, y as int array, class names, input shape) of the config's data set."""
    import numpy as np
    data = _section(config, "dataset")
    source = str(data.get("source") or "sklearn:digits")
    kind, _, rest = source.partition(":")
    shape = None
    if kind == "sklearn":
        from sklearn import datasets
        loader = getattr(datasets, "load_" + rest, None)
        if loader is None or rest not in ("digits", "iris", "wine", "breast_cancer"):
            raise ConfigError("dataset.source %r: scikit-learn ships digits, iris, wine and breast_cancer" % source)
        bunch = loader()
        X, y = bunch.data, bunch.target
        names = [str(n) for n in getattr(bunch, "target_names", sorted(set(y.tolist())))]
        if rest == "digits":
            shape = [1, 8, 8]
    elif kind == "csv":
        import csv
        path = _relative_to_config(config, rest)
        target = str(data.get("target") or "target")
        try:
            with open(path, "r", encoding="utf-8", newline="") as f:
                rows = list(csv.DictReader(f))
        except OSError as e:
            raise ConfigError("dataset.source %r: cannot read %s: %s" % (source, path, e.strerror or e))
        if not rows or target not in rows[0]:
            raise ConfigError("dataset.source %r: no column %r; name the label column with dataset.target" % (source, target))
        features = [c for c in rows[0] if c != target]
        labels = sorted({r[target] for r in rows})
        index = {l: i for i, l in enumerate(labels)}
        try:
            X = np.array([[float(r[c]) for c in features] for r in rows], dtype=np.float64)
        except ValueError as e:
            raise ConfigError("dataset.source %r: a feature is not a number (%s); keep only numeric columns" % (source, e))
        y = np.array([index[r[target]] for r in rows])
        names = labels
    elif kind == "module":
        path, _, function = rest.rpartition(":")
        if not path or not function:
            raise ConfigError("dataset.source %r: write module:PATH.py:FUNCTION" % source)
        module = _import_file(_relative_to_config(config, path), "runlens_user_data")
        loaded = getattr(module, function, None)
        if loaded is None:
            raise ConfigError("dataset.source %r: %s has no function %s" % (source, path, function))
        X, y = loaded()[:2]
        X, y = np.asarray(X, dtype=np.float64), np.asarray(y)
        labels = sorted(set(y.tolist()))
        index = {l: i for i, l in enumerate(labels)}
        y = np.array([index[v] for v in y.tolist()])
        names = [str(l) for l in labels]
    else:
        raise ConfigError("dataset.source %r: use sklearn:NAME, csv:PATH or module:PATH.py:FUNCTION" % source)
    X = np.asarray(X, dtype=np.float64)
    if shape is None:
        shape = list(X.shape[1:])
    return X, np.asarray(y, dtype=np.int64), names, shape


def split_dataset(config, X, y):
    """Stratified train/validation split with a fixed seed (the same for every seed of an experiment), standardised."""
    from sklearn.model_selection import train_test_split
    data = _section(config, "dataset")
    split = float(data.get("split", 0.25))
    if not 0 < split < 1:
        raise ConfigError("dataset.split %r: the validation share must be between 0 and 1" % split)
    X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=split, random_state=int(data.get("split_seed", 0)), stratify=y)
    if data.get("standardize", True):
        mean = X_train.mean(axis=0)
        std = X_train.std(axis=0)
        std[std == 0] = 1.0
        X_train = (X_train - mean) / std
        X_val = (X_val - mean) / std
    return X_train.astype("float32"), X_val.astype("float32"), y_train, y_val


def _import_file(path, name):
    if not os.path.isfile(path):
        raise ConfigError("%s: no such file" % path)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build_model(config, input_shape, num_classes):
    model_config = _section(config, "model")
    code = model_config.get("code")
    if not code:
        raise ConfigError("model.code: no model module given; runlens agent writes one per experiment")
    module = _import_file(_relative_to_config(config, code), "runlens_agent_model")
    build = getattr(module, "build_model", None)
    if not callable(build):
        raise ConfigError("%s: the model module needs a function build_model(config, input_shape, num_classes)" % code)
    return build(model_config, list(input_shape), int(num_classes))


def summarize(model, input_shape, num_classes, batch=4):
    """Forward pass on a dummy batch and the model's layers with their parameter counts."""
    import torch
    model.eval()
    with torch.no_grad():
        out = model(torch.zeros([batch] + list(input_shape)))
    if tuple(out.shape) != (batch, num_classes):
        raise ConfigError("the model's output has shape %s for a batch of %d; it must be (%d, %d), one logit per class"
                          % (list(out.shape), batch, batch, num_classes))
    layers = []
    for name, module in model.named_modules():
        count = sum(p.numel() for p in module.parameters(recurse=False))
        leaf = not any(True for _ in module.children())
        if (leaf and name != "") or count > 0:  # leaves, and containers with parameters of their own (attention, positions)
            layers.append({"name": name or "(model)", "type": type(module).__name__, "parameters": int(count)})
    return {"schema": SUMMARY_SCHEMA, "ok": True, "input_shape": list(input_shape), "num_classes": int(num_classes),
            "output_shape": list(out.shape), "parameters": int(sum(p.numel() for p in model.parameters())),
            "trainable": int(sum(p.numel() for p in model.parameters() if p.requires_grad)), "layers": layers}


def check(config):
    import torch
    torch.set_num_threads(1)
    X, y, names, shape = load_dataset(config)
    model = build_model(config, shape, len(names))
    print(json.dumps(summarize(model, shape, len(names))))


class _Args:
    """What the callback reads from the Trainer's TrainingArguments."""

    def __init__(self, config, out, seed):
        self.output_dir = out
        self.run_name = os.path.basename(os.path.abspath(out))
        self._config = config
        self.seed = seed

    def to_dict(self):
        flat = {}
        training = self._config.get("training") or {}
        for key in ("optimizer", "learning_rate", "epochs", "batch_size", "weight_decay"):
            if key in training:
                flat[key] = training[key]
        for key, value in (self._config.get("model") or {}).items():
            if key != "code":
                flat["model." + key] = value
        flat["dataset"] = (self._config.get("dataset") or {}).get("source", "sklearn:digits")
        flat["seed"] = self.seed
        if self._config.get("experiment"):
            flat["experiment"] = self._config["experiment"]
        return flat


class _State:
    def __init__(self, epochs, steps_per_epoch, batch_size):
        self.global_step = 0
        self.epoch = 0.0
        self.max_steps = epochs * steps_per_epoch
        self.num_train_epochs = epochs
        self.train_batch_size = batch_size
        self.logging_steps = 1
        self.is_world_process_zero = True
        self.best_metric = None
        self.best_model_checkpoint = None


class _Control:
    def __init__(self):
        self.should_training_stop = False


def train(config, seed, out):
    import numpy as np
    import torch
    from sklearn.metrics import f1_score
    from runlens_callback import RunlensCallback

    torch.set_num_threads(1)
    torch.manual_seed(seed)
    np.random.seed(seed)
    X, y, names, shape = load_dataset(config)
    X_train, X_val, y_train, y_val = split_dataset(config, X, y)
    training = _section(config, "training")
    try:
        lr = float(training.get("learning_rate", 1e-3))
        epochs = int(training.get("epochs", 10))
        batch_size = int(training.get("batch_size", 32))
        weight_decay = float(training.get("weight_decay", 0.0))
    except (TypeError, ValueError) as e:
        raise ConfigError("training: %s; learning_rate and weight_decay are numbers, epochs and batch_size integers" % e)
    if not (lr > 0 and epochs > 0 and batch_size > 0 and weight_decay >= 0):
        raise ConfigError("training: learning_rate, epochs and batch_size must be above 0, weight_decay at least 0")
    model = build_model(config, shape, len(names))
    name = str(training.get("optimizer", "adam")).lower()
    if name == "sgd":
        optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=float(training.get("momentum", 0.9)), weight_decay=weight_decay)
    elif name == "adamw":
        optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=weight_decay)
    elif name == "adam":
        optimizer = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=weight_decay)
    else:
        raise ConfigError("training.optimizer %r: use adam, adamw or sgd" % name)
    loss_fn = torch.nn.CrossEntropyLoss()
    xt = torch.from_numpy(X_train).reshape([-1] + shape)
    yt = torch.from_numpy(y_train)
    xv = torch.from_numpy(X_val).reshape([-1] + shape)
    yv = torch.from_numpy(y_val)
    steps_per_epoch = int(math.ceil(len(xt) / batch_size))

    os.makedirs(out, exist_ok=True)
    args = _Args(config, out, seed)
    state = _State(epochs, steps_per_epoch, batch_size)
    control = _Control()
    cb = RunlensCallback(dir=out, run_name=args.run_name, poll_seconds=0.5)
    cb.on_train_begin(args, state, control, model=model, optimizer=optimizer,
                      train_dataloader=None)
    generator = torch.Generator().manual_seed(seed)
    best = None
    checkpoints = []
    for epoch in range(epochs):
        model.train()
        order = torch.randperm(len(xt), generator=generator)
        for start in range(0, len(xt), batch_size):
            idx = order[start:start + batch_size]
            optimizer.zero_grad()
            loss = loss_fn(model(xt[idx]), yt[idx])
            loss.backward()
            grad_norm = torch.nn.utils.clip_grad_norm_(model.parameters(), float("inf"))
            optimizer.step()
            state.global_step += 1
            state.epoch = epoch + min(1.0, (start + batch_size) / len(xt))
            cb.on_log(args, state, control, logs={"loss": float(loss), "grad_norm": float(grad_norm),
                                                  "learning_rate": optimizer.param_groups[0]["lr"], "epoch": state.epoch})
            cb.on_step_end(args, state, control)
            if control.should_training_stop:
                break
        model.eval()
        with torch.no_grad():
            logits = model(xv)
            val_loss = float(loss_fn(logits, yv))
            predicted = logits.argmax(dim=1)
        accuracy = float((predicted == yv).float().mean())
        f1 = float(f1_score(yv.numpy(), predicted.numpy(), labels=list(range(len(names))), average="macro", zero_division=0))
        metrics = {"eval_loss": val_loss, "eval_accuracy": accuracy, "eval_f1_macro": f1, "epoch": state.epoch}
        if best is None or f1 > best:
            best = f1
            state.best_metric = f1
            state.best_model_checkpoint = os.path.join(out, "checkpoint-%d" % state.global_step)
        cb.on_evaluate(args, state, control, metrics=metrics)
        folder = os.path.join(out, "checkpoint-%d" % state.global_step)
        os.makedirs(folder, exist_ok=True)
        torch.save(model.state_dict(), os.path.join(folder, "pytorch_model.bin"))
        checkpoints.append(folder)
        cb.on_save(args, state, control)
        for old in checkpoints[:-1]:  # keep the best and the last
            if old != state.best_model_checkpoint and os.path.isdir(old):
                for f in os.listdir(old):
                    os.remove(os.path.join(old, f))
                os.rmdir(old)
        checkpoints = [c for c in checkpoints if os.path.isdir(c)]
        cb.on_epoch_end(args, state, control)
        if control.should_training_stop:
            break
    cb.on_train_end(args, state, control)
    cb.close()

    with torch.no_grad():
        probs = torch.softmax(model(xv), dim=1).numpy()
    with open(os.path.join(out, "predictions.csv"), "w", encoding="utf-8") as f:
        f.write("example_id,label,predicted," + ",".join("prob_" + n for n in names) + "\n")
        for i in range(len(y_val)):
            row = probs[i]
            f.write("%d,%s,%s,%s\n" % (i, names[int(y_val[i])], names[int(row.argmax())], ",".join(repr(float(p)) for p in row)))
    print("runlens_trainer: seed %d: %d steps, validation macro-F1 %.4f (best %.4f), written to %s"
          % (seed, state.global_step, f1, best, out))


def main(argv=None):
    parser = argparse.ArgumentParser(prog="runlens_trainer", description="Runlens reference PyTorch trainer")
    sub = parser.add_subparsers(dest="command", required=True)
    p_train = sub.add_parser("train", help="train one seed of an experiment")
    p_train.add_argument("--config", required=True)
    p_train.add_argument("--seed", type=int, required=True)
    p_train.add_argument("--out", required=True)
    p_check = sub.add_parser("check", help="import the model, run a dummy batch, print its summary")
    p_check.add_argument("--config", required=True)
    args = parser.parse_args(argv)
    try:
        config = _read_config(args.config)
        _limit_memory(config)
        if args.command == "check":
            check(config)
        else:
            train(config, args.seed, args.out)
    except ConfigError as e:
        sys.stderr.write("runlens_trainer: %s\n" % e)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())

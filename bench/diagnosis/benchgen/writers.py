"""Writes one run's trace the way a real trainer does, in one of six formats. Each writer returns the path (relative to
the run folder) to point Runlens at, and how a logged evaluation step appears in that format (so the truth's best step is
in the log's own units)."""
import json
import math
import os
import sys
import types

import numpy as np

from .tfrecord import EventFileWriter

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.normpath(os.path.join(HERE, "..", "..", "..", "clients", "python")))
import runlens_callback  # noqa: E402  (the repository's own callback, driven by the benchmark's training loop)

OPTIMIZER_CLASS = {"sgd": "SGD", "adam": "Adam", "adamw": "AdamW"}
MODEL_CLASS = {"mlp": "MLPClassifier", "cnn": "SmallCNN", "gru": "GRUClassifier", "lstm": "LSTMClassifier",
               "rnn-relu": "RNNClassifier", "rnn-tanh": "RNNClassifier", "transformer": "TransformerEncoderClassifier"}
SCHEDULER_NAME = {"constant": "constant", "warmup-constant": "constant_with_warmup", "warmup-cosine": "cosine",
                  "linear": "linear"}


class Clock:
    """Deterministic wall time: a fixed start plus a fixed time per optimizer step, so the files are reproducible."""

    def __init__(self, start, per_step):
        self.start, self.per_step = start, per_step
        self.now = start

    def at(self, step):
        self.now = self.start + step * self.per_step
        return self.now

    def time(self):
        return self.now


def logged_epoch(spec, trace, step):
    """The epoch a trainer logs at `step`; the epoch-counter bug counts micro-batches of the loader, not optimizer steps
    (so with gradient accumulation the logged epoch runs `accumulation` times too slowly)."""
    if spec.get("epoch_counter_bug"):
        return step * spec.get("batch_size", 64) / trace.n_train
    return step / trace.steps_per_epoch


def training_arguments(spec, trace, out_dir, name):
    """What HF's TrainingArguments.to_dict() holds for this run (the keys Runlens and people read)."""
    args = {
        "output_dir": out_dir, "run_name": name, "seed": spec.get("seed", 0),
        "learning_rate": spec["lr"], "weight_decay": spec.get("weight_decay", 0.0),
        "optim": {"sgd": "sgd", "adam": "adamw_torch", "adamw": "adamw_torch"}[spec.get("optimizer", "adamw")],
        "lr_scheduler_type": SCHEDULER_NAME[spec.get("schedule", "constant")],
        "warmup_ratio": spec.get("warmup_frac", 0.0),
        "num_train_epochs": trace.num_train_epochs, "max_steps": spec.get("max_steps") or -1,
        "per_device_train_batch_size": spec.get("batch_size", 64), "per_device_eval_batch_size": 512,
        "gradient_accumulation_steps": spec.get("accumulation", 1),
        "max_grad_norm": spec.get("clip") or 0.0,
        "logging_steps": spec.get("log_every", 5),
        "eval_strategy": "steps" if spec.get("eval_every") else "epoch",
        "eval_steps": spec.get("eval_every"), "save_strategy": "steps" if spec.get("eval_every") else "epoch",
        "save_total_limit": 2, "load_best_model_at_end": True, "metric_for_best_model": "eval_loss",
        "greater_is_better": False, "fp16": False, "bf16": False,
    }
    if spec.get("optimizer") == "sgd":
        args["momentum"] = spec.get("momentum", 0.0)
    if spec.get("accumulation_unrecorded"):
        del args["gradient_accumulation_steps"]
    return args


def _hidden(spec):
    """The MLP's hidden widths, its activation (models.py's default is ReLU) and dropout."""
    args = spec.get("model_args", {})
    return list(args.get("hidden", [128])), args.get("activation", "relu"), args.get("dropout", 0.0)


def model_config(spec, trace):
    """The model's config as a Hugging Face `config.json` holds it (`PretrainedConfig.to_dict()`): the architecture in
    the keys HF configs use for its kind (BERT-style `num_hidden_layers`, `hidden_size`, `hidden_act`,
    `intermediate_size`, …; ResNet-style `num_channels`, `hidden_sizes`), and the labels. What the HF Trainer saves
    beside the checkpoints, and what the Runlens callback records from `model.config`."""
    arch, args = spec["arch"], spec.get("model_args", {})
    config = {"architectures": [MODEL_CLASS[arch]], "model_type": arch}
    if arch == "mlp":
        hidden, activation, dropout = _hidden(spec)
        config["num_hidden_layers"] = len(hidden)
        if hidden and len(set(hidden)) == 1:
            config["hidden_size"] = hidden[0]
        elif hidden:
            config["hidden_sizes"] = hidden
        config["hidden_act"] = activation.replace("-", "_")
        config["hidden_dropout_prob"] = dropout
        if args.get("init_std") is not None:
            config["initializer_range"] = args["init_std"]
    elif arch == "cnn":
        channels = args.get("channels", 16)
        config.update({"num_channels": 1, "hidden_sizes": [channels, 2 * channels], "depths": [1, 1], "hidden_act": "relu",
                       "classifier_dropout": args.get("dropout", 0.0)})
    elif arch in ("gru", "lstm", "rnn-relu", "rnn-tanh"):
        config.update({"embedding_size": args.get("embed", 32), "hidden_size": args.get("hidden_size", 64),
                       "num_hidden_layers": 1, "rnn_type": arch.split("-")[0]})
        if arch.startswith("rnn"):
            config["hidden_act"] = arch.split("-")[1]
    elif arch == "transformer":
        config.update({"hidden_size": args.get("d_model", 32), "num_hidden_layers": args.get("layers", 2),
                       "num_attention_heads": args.get("heads", 4), "intermediate_size": args.get("ff", 64),
                       "hidden_act": "relu", "hidden_dropout_prob": args.get("dropout", 0.0), "layer_norm_eps": 1e-05})
    config.update({"num_labels": len(trace.classes), "id2label": {str(i): c for i, c in enumerate(trace.classes)},
                   "label2id": {c: i for i, c in enumerate(trace.classes)}, "torch_dtype": "float32"})
    return config


def module_hparams(spec, trace):
    """The LightningModule's own __init__ arguments, as save_hyperparameters() records them (PyTorch's argument names:
    nn.RNN's `nonlinearity`, nn.TransformerEncoderLayer's `nhead` and `dim_feedforward`)."""
    arch, args = spec["arch"], spec.get("model_args", {})
    if arch == "mlp":
        hidden, activation, dropout = _hidden(spec)
        h = {"num_layers": len(hidden)}
        if hidden and len(set(hidden)) == 1:
            h["hidden_size"] = hidden[0]
        elif hidden:
            h["hidden_sizes"] = hidden
        h.update({"activation": activation, "dropout": dropout})
        if args.get("init_std") is not None:
            h["init_std"] = args["init_std"]
    elif arch == "cnn":
        h = {"channels": args.get("channels", 16), "dropout": args.get("dropout", 0.0)}
    elif arch in ("gru", "lstm", "rnn-relu", "rnn-tanh"):
        h = {"cell": arch.split("-")[0], "embed_dim": args.get("embed", 32), "hidden_size": args.get("hidden_size", 64),
             "num_layers": 1}
        if arch.startswith("rnn"):
            h["nonlinearity"] = arch.split("-")[1]
    else:
        h = {"d_model": args.get("d_model", 32), "nhead": args.get("heads", 4), "num_layers": args.get("layers", 2),
             "dim_feedforward": args.get("ff", 64), "dropout": args.get("dropout", 0.0), "norm_first": True}
    h["num_classes"] = len(trace.classes)
    return h


def hparams(spec, trace):
    """What a LightningModule's save_hyperparameters() (the module's arguments, then the optimisation ones the script
    passes it) and the script's Trainer arguments put in hparams.yaml."""
    h = {"arch": spec["arch"]}
    h.update(module_hparams(spec, trace))
    h.update({"optimizer": OPTIMIZER_CLASS[spec.get("optimizer", "adamw")], "lr": spec["lr"],
         "weight_decay": spec.get("weight_decay", 0.0), "scheduler": spec.get("schedule", "constant"),
         "warmup_ratio": spec.get("warmup_frac", 0.0), "batch_size": spec.get("batch_size", 64),
         "max_epochs": trace.num_train_epochs, "accumulate_grad_batches": spec.get("accumulation", 1)})
    if spec.get("max_steps"):
        h["max_steps"] = spec["max_steps"]
    if spec.get("clip"):
        h["gradient_clip_val"] = spec["clip"]
    if spec.get("optimizer") == "sgd":
        h["momentum"] = spec.get("momentum", 0.0)
    return h


def _yaml(d):
    def value(v):
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, str):
            return v
        return repr(v)
    return "".join("%s: %s\n" % (k, value(v)) for k, v in d.items())


def _json_number(v):
    return v if isinstance(v, (int, float)) else float(v)


def _val_metrics(spec):
    return spec.get("telemetry", "metrics") != "loss-only"


def _timeline(trace):
    """Train logs and evaluations in the order a trainer emits them (a log before the evaluation at the same step)."""
    items = [(l["step"], 0, "log", l) for l in trace.train_logs] + [(e["step"], 1, "eval", e) for e in trace.evals]
    return sorted(items, key=lambda t: (t[0], t[1]))


# --- Hugging Face Trainer ---------------------------------------------------------------------------------------------

def _hf_state(spec, trace, clock, upto, out_dir, best):
    history = []
    for step, _, kind, item in _timeline(trace):
        if step > upto:
            break
        epoch = logged_epoch(spec, trace, step)
        if kind == "log":
            entry = {"epoch": epoch, "grad_norm": item["grad_norm"], "learning_rate": item["lr"],
                     "loss": round(item["loss"], 4), "step": step}
            if not spec.get("clip"):
                del entry["grad_norm"]  # the Trainer computes the norm only when it clips
        else:
            entry = {"epoch": epoch, "eval_loss": item["loss"], "eval_runtime": 0.05, "eval_samples_per_second":
                     round(trace.n_val / 0.05, 3), "eval_steps_per_second": 20.0, "step": step}
            if _val_metrics(spec):
                entry["eval_accuracy"] = item["accuracy"]
                entry["eval_macro_f1"] = item["macro_f1"]
        history.append(entry)
    final = upto == trace.global_step
    if final:
        runtime = clock.at(trace.global_step) - clock.start
        history.append({"epoch": logged_epoch(spec, trace, upto), "step": upto, "total_flos": float(trace.parameters * upto * 6),
                        "train_loss": trace.train_loss_mean, "train_runtime": round(runtime, 4),
                        "train_samples_per_second": round(trace.n_train * trace.epoch / runtime, 3),
                        "train_steps_per_second": round(upto / runtime, 3)})
    state = {
        "best_global_step": best[1], "best_metric": best[0],
        "best_model_checkpoint": "%s/checkpoint-%d" % (out_dir, best[1]) if best[1] is not None else None,
        "epoch": logged_epoch(spec, trace, upto), "eval_steps": spec.get("eval_every") or trace.steps_per_epoch,
        "global_step": upto, "is_hyper_param_search": False, "is_local_process_zero": True, "is_world_process_zero": True,
        "log_history": history, "logging_steps": spec.get("log_every", 5), "max_steps": trace.max_steps,
        "num_input_tokens_seen": 0, "num_train_epochs": trace.num_train_epochs,
        "save_steps": spec.get("eval_every") or trace.steps_per_epoch, "stateful_callbacks": {
            "TrainerControl": {"args": {"should_epoch_stop": False, "should_evaluate": False, "should_log": False,
                                        "should_save": True,
                                        "should_training_stop": bool(final and trace.early_stop and trace.early_stop["fired"]) or
                                        (final and upto >= trace.max_steps)},
                               "attributes": {}}},
        "total_flos": float(trace.parameters * upto * 6), "train_batch_size": spec.get("batch_size", 64),
        "trial_name": None, "trial_params": None,
    }
    if trace.early_stop:
        state["stateful_callbacks"]["EarlyStoppingCallback"] = {
            "args": {"early_stopping_patience": trace.early_stop["patience"], "early_stopping_threshold": 0.0},
            "attributes": {"early_stopping_patience_counter": trace.early_stop["counter"] if final else 0}}
    return state


def _best_eval(trace, upto):
    best = (None, None)
    for e in trace.evals:
        if e["step"] <= upto and math.isfinite(e["loss"]) and (best[0] is None or e["loss"] < best[0]):
            best = (e["loss"], e["step"])
    return best


def _dump_hf(obj, path):
    with open(path, "w") as f:
        f.write(json.dumps(obj, indent=2, sort_keys=True) + "\n")


def write_hf(run_dir, name, spec, trace, clock):
    out = os.path.join(run_dir, "log")
    os.makedirs(out)
    out_dir = "runs/" + name  # the output_dir the script was given (relative, as most scripts pass it)
    hf_config = model_config(spec, trace)
    # save_total_limit=2 with load_best_model_at_end: the best checkpoint and the last one are kept.
    last = trace.checkpoints[-1] if trace.checkpoints else None
    best_step = _best_eval(trace, trace.global_step)[1]
    for step in sorted({s for s in (best_step, last) if s is not None}):
        ck = os.path.join(out, "checkpoint-%d" % step)
        os.makedirs(ck)
        _dump_hf(_hf_state(spec, trace, clock, step, out_dir, _best_eval(trace, step)), os.path.join(ck, "trainer_state.json"))
        _dump_hf(hf_config, os.path.join(ck, "config.json"))
    _dump_hf(hf_config, os.path.join(out, "config.json"))
    _dump_hf(_hf_state(spec, trace, clock, trace.global_step, out_dir, _best_eval(trace, trace.global_step)),
             os.path.join(out, "trainer_state.json"))
    # What run_glue-style example scripts write after trainer.train() and trainer.evaluate().
    runtime = clock.at(trace.global_step) - clock.start
    train_results = {"epoch": logged_epoch(spec, trace, trace.global_step), "total_flos": float(trace.parameters * trace.global_step * 6),
                     "train_loss": trace.train_loss_mean, "train_runtime": round(runtime, 4), "train_samples": trace.n_train,
                     "train_samples_per_second": round(trace.n_train * trace.epoch / runtime, 3),
                     "train_steps_per_second": round(trace.global_step / runtime, 3)}
    final_eval = trace.evals[-1]
    if trace.early_stop and trace.early_stop["fired"]:
        final_eval = next(e for e in trace.evals if e["step"] == best_step)
    eval_results = {"epoch": logged_epoch(spec, trace, trace.global_step), "eval_loss": final_eval["loss"],
                    "eval_runtime": 0.05, "eval_samples": trace.n_val, "eval_samples_per_second": round(trace.n_val / 0.05, 3),
                    "eval_steps_per_second": 20.0}
    if _val_metrics(spec):
        eval_results["eval_accuracy"] = final_eval["accuracy"]
        eval_results["eval_macro_f1"] = final_eval["macro_f1"]
    _dump_hf(train_results, os.path.join(out, "train_results.json"))
    _dump_hf(eval_results, os.path.join(out, "eval_results.json"))
    _dump_hf(dict(train_results, **eval_results), os.path.join(out, "all_results.json"))
    return "log", lambda step: step


# --- the Runlens callback (driven as the Trainer drives it) ----------------------------------------------------------

class _Loader:
    def __init__(self, n):
        self.dataset = range(n)


def write_callback(run_dir, name, spec, trace, clock):
    out = os.path.join(run_dir, "log")
    os.makedirs(out)
    runlens_callback.time = types.SimpleNamespace(time=clock.time)
    runlens_callback._now_iso = lambda: "%sZ" % np.datetime64(int(clock.time()), "s")
    args_dict = training_arguments(spec, trace, "runs/" + name, name)
    args = types.SimpleNamespace(output_dir="runs/" + name, run_name=name, to_dict=lambda: dict(args_dict),
                                 world_size=1, n_gpu=0, train_batch_size=spec.get("batch_size", 64))
    state = types.SimpleNamespace(global_step=0, epoch=0.0, max_steps=trace.max_steps,
                                  num_train_epochs=trace.num_train_epochs, logging_steps=spec.get("log_every", 5),
                                  eval_steps=spec.get("eval_every") or trace.steps_per_epoch,
                                  save_steps=spec.get("eval_every") or trace.steps_per_epoch,
                                  train_batch_size=spec.get("batch_size", 64), best_metric=None,
                                  best_model_checkpoint=None, is_world_process_zero=True)
    control = types.SimpleNamespace(should_training_stop=False)
    hf_config = model_config(spec, trace)
    model_cls = type(MODEL_CLASS[spec["arch"]], (), {"parameters": lambda self: [types.SimpleNamespace(
        numel=lambda: trace.parameters, requires_grad=True)], "config": types.SimpleNamespace(to_dict=lambda: dict(hf_config))})
    cb = runlens_callback.RunlensCallback(dir=out, run_name=name, poll_seconds=1e9)
    clock.at(0)
    cb.on_train_begin(args, state, control, model=model_cls(), train_dataloader=_Loader(trace.n_train),
                      eval_dataloader=_Loader(trace.n_val))
    best = (None, None)
    for step, _, kind, item in _timeline(trace):
        clock.at(step)
        state.global_step = step
        state.epoch = logged_epoch(spec, trace, step)
        if kind == "log":
            logs = {"loss": round(item["loss"], 4), "learning_rate": item["lr"], "epoch": state.epoch}
            if spec.get("clip"):
                logs["grad_norm"] = item["grad_norm"]
            cb.on_log(args, state, control, logs=logs)
        else:
            metrics = {"eval_loss": item["loss"], "eval_runtime": 0.05, "epoch": state.epoch}
            if _val_metrics(spec):
                metrics["eval_accuracy"] = item["accuracy"]
                metrics["eval_macro_f1"] = item["macro_f1"]
            cb.on_log(args, state, control, logs=metrics)
            cb.on_evaluate(args, state, control, metrics=metrics)
            if math.isfinite(item["loss"]) and (best[0] is None or item["loss"] < best[0]):
                best = (item["loss"], step)
                state.best_metric = item["loss"]
                state.best_model_checkpoint = "runs/%s/checkpoint-%d" % (name, step)
            cb.on_save(args, state, control)
    clock.at(trace.global_step)
    state.global_step = trace.global_step
    state.epoch = logged_epoch(spec, trace, trace.global_step)
    control.should_training_stop = bool(trace.early_stop and trace.early_stop["fired"])
    cb.on_train_end(args, state, control)
    cb.close()
    return "log", lambda step: step


# --- PyTorch Lightning: CSVLogger and TensorBoardLogger --------------------------------------------------------------

def _lightning_rows(spec, trace):
    """Lightning logs at `global_step - 1` (the index of the batch just trained) with the integer epoch."""
    lr_key = "lr-" + OPTIMIZER_CLASS[spec.get("optimizer", "adamw")]
    rows = []
    for step, _, kind, item in _timeline(trace):
        epoch = int(math.ceil(step / trace.steps_per_epoch)) - 1 if step else 0
        if kind == "log":
            row = {"train_loss": item["loss"], "grad_norm": item["grad_norm"], lr_key: item["lr"],
                   "train_loss_std": item["loss_std"], "grad_norm_std": item["grad_norm_std"]}
        else:
            row = {"val_loss": item["loss"]}
            if _val_metrics(spec):
                row["val_acc"] = item["accuracy"]
                row["val_macro_f1"] = item["macro_f1"]
        rows.append((step - 1, epoch, row))
    return rows


def write_lightning_csv(run_dir, name, spec, trace, clock):
    out = os.path.join(run_dir, "log", "lightning_logs", "version_0")
    os.makedirs(out)
    rows = _lightning_rows(spec, trace)
    keys = sorted({k for _, _, r in rows for k in r} | {"epoch", "step"})
    with open(os.path.join(out, "metrics.csv"), "w") as f:
        f.write(",".join(keys) + "\n")
        for step, epoch, r in rows:
            full = dict(r, epoch=epoch, step=step)
            f.write(",".join("" if k not in full else repr(full[k]) if isinstance(full[k], float) else str(full[k])
                             for k in keys) + "\n")
    with open(os.path.join(out, "hparams.yaml"), "w") as f:
        f.write(_yaml(hparams(spec, trace)))
    return "log/lightning_logs/version_0", lambda step: step - 1


def write_tensorboard(run_dir, name, spec, trace, clock):
    out = os.path.join(run_dir, "log", "lightning_logs", "version_0")
    os.makedirs(out)
    writer = EventFileWriter(os.path.join(out, "events.out.tfevents.%d.benchhost.1.0" % clock.start), clock.at(0))
    for step, epoch, r in _lightning_rows(spec, trace):
        writer.scalars(clock.at(step + 1), step, sorted(r.items()) + [("epoch", float(epoch))])
    writer.close()
    with open(os.path.join(out, "hparams.yaml"), "w") as f:
        f.write(_yaml(hparams(spec, trace)))
    return "log/lightning_logs/version_0", lambda step: step - 1


# --- Keras CSVLogger --------------------------------------------------------------------------------------------------

def write_keras(run_dir, name, spec, trace, clock):
    """One row per epoch (Keras' CSVLogger, keys sorted), with a grad_norm column a custom callback added to the logs."""
    out = os.path.join(run_dir, "log")
    os.makedirs(out)
    by_epoch = {int(round(e["epoch"])) - 1: e for e in trace.evals}
    rows = []
    for t in trace.epoch_train:
        row = {"loss": t["loss"], "grad_norm": t["grad_norm"], "learning_rate": t["lr"]}
        if _val_metrics(spec):
            row["accuracy"] = t["accuracy"]
        e = by_epoch.get(t["epoch"])
        if e is not None:
            row["val_loss"] = e["loss"]
            if _val_metrics(spec):
                row["val_accuracy"] = e["accuracy"]
        rows.append((t["epoch"], row))
    keys = sorted({k for _, r in rows for k in r})
    with open(os.path.join(out, "training.log"), "w") as f:
        f.write(",".join(["epoch"] + keys) + "\n")
        for epoch, r in rows:
            f.write(",".join([str(epoch)] + [repr(float(r[k])) if k in r else "" for k in keys]) + "\n")
    step_to_epoch = {e["step"]: int(round(e["epoch"])) - 1 for e in trace.evals}
    return "log", lambda step: step_to_epoch[step]


# --- plain JSONL ------------------------------------------------------------------------------------------------------

def write_jsonl(run_dir, name, spec, trace, clock):
    out = os.path.join(run_dir, "log")
    os.makedirs(out)
    with open(os.path.join(out, "metrics.jsonl"), "w") as f:
        for step, _, kind, item in _timeline(trace):
            rec = {"step": step, "epoch": logged_epoch(spec, trace, step), "time": clock.at(step)}
            if kind == "log":
                rec.update({"train_loss": item["loss"], "grad_norm": item["grad_norm"], "lr": item["lr"],
                            "loss_std": item["loss_std"], "grad_norm_std": item["grad_norm_std"]})
            else:
                rec["val_loss"] = item["loss"]
                if _val_metrics(spec):
                    rec["val_accuracy"] = item["accuracy"]
                    rec["val_macro_f1"] = item["macro_f1"]
            f.write(json.dumps(rec) + "\n")
    return "log/metrics.jsonl", lambda step: step


def rewrite_configs(run_dir, truth):
    """Rewrites only the files that record the model's architecture (config.json, hparams.yaml, the callback's run
    record) from the run's truth.json, leaving every curve as it is: what a full regeneration would write for them,
    without the training (the files depend on the spec and the class names alone). Returns the paths rewritten."""
    spec, fmt = truth["config"], truth["format"]
    trace = types.SimpleNamespace(classes=spec["classes"])
    log = os.path.join(run_dir, "log")
    written = []
    if fmt == "hf-trainer-state":
        for folder in [log] + sorted(os.path.join(log, d) for d in os.listdir(log) if d.startswith("checkpoint-")):
            _dump_hf(model_config(spec, trace), os.path.join(folder, "config.json"))
            written.append(os.path.join(folder, "config.json"))
    elif fmt in ("tensorboard", "lightning-csv"):
        path = os.path.join(log, "lightning_logs", "version_0", "hparams.yaml")
        with open(path) as f:
            lines = [l for l in f.read().splitlines(True) if not l.startswith("arch: ")]
        module = _yaml(dict({"arch": spec["arch"]}, **module_hparams(spec, trace)))
        kept = [l for l in lines if l.split(":")[0] not in module_hparams(spec, trace)]
        with open(path, "w") as f:
            f.write(module + "".join(kept))
        written.append(path)
    elif fmt == "runlens-callback":
        path = os.path.join(log, "runlens.jsonl")
        with open(path, encoding="utf-8") as f:
            first, rest = f.readline(), f.read()
        record = json.loads(first)
        record["model"]["config"] = model_config(spec, trace)
        with open(path, "w", encoding="utf-8") as f:
            f.write(runlens_callback._dumps(record) + "\n" + rest)
        written.append(path)
    return written


WRITERS = {
    "hf-trainer-state": write_hf, "runlens-callback": write_callback, "tensorboard": write_tensorboard,
    "lightning-csv": write_lightning_csv, "keras-csv": write_keras, "jsonl": write_jsonl,
}


def value_as_written(fmt, v):
    """The validation loss as the format stores it (TensorBoard's simple_value is a float32)."""
    return float(np.float32(v)) if fmt == "tensorboard" else float(v)


def write_predictions(path, preds, classes):
    """docs/predictions.md: example_id, label, predicted, prob_<class> (6 decimals; predicted is the most probable)."""
    ids, labels, probs = preds
    with open(path, "w") as f:
        f.write(",".join(["example_id", "label", "predicted"] + ["prob_" + c for c in classes]) + "\n")
        for i, (ex, label) in enumerate(zip(ids, labels)):
            p = np.round(probs[i], 6)
            f.write(",".join([ex, label, classes[int(np.argmax(p))]] + ["%.6f" % x for x in p]) + "\n")


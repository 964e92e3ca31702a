"""One training loop for every condition. A condition is produced by the spec it is given (data, model, optimiser,
schedule, and bugs introduced on purpose: noisy or shuffled labels, a leaked split, a learning-rate spike, a scheduler
restart, unscaled inputs, a wrong epoch counter), never by editing the curves afterwards. The loop records what a
trainer would log: per logging step the mean loss since the last log, the pre-clip total gradient norm, the learning
rate, and the standard deviations of both over the interval; per epoch an evaluation on the validation split."""
import copy
import math

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.metrics import f1_score

from . import models, tasks


class Trace:
    """What one run logged, in the trainer's own units (optimizer steps, fractional epochs)."""

    def __init__(self):
        self.train_logs = []     # {step, epoch, loss, grad_norm, lr, loss_std, grad_norm_std, accuracy}
        self.epoch_train = []    # per finished epoch: {epoch, loss, grad_norm, lr, accuracy} (Keras-style rows)
        self.evals = []          # {step, epoch, loss, accuracy, macro_f1}
        self.checkpoints = []    # steps at which a checkpoint was saved
        self.early_stop = None   # {patience, counter, fired}
        self.global_step = 0
        self.epoch = 0.0
        self.steps_per_epoch = 0
        self.max_steps = 0
        self.num_train_epochs = 0
        self.train_loss_mean = float("nan")
        self.predictions = None  # (ids, labels, probabilities) on the validation split
        self.cv_predictions = None
        self.n_train = 0
        self.n_val = 0
        self.parameters = 0
        self.classes = []


def _seed_all(seed):
    torch.manual_seed(seed)
    np.random.seed(seed % (2**32 - 1))


def schedule_lr(spec, step, total):
    """The learning rate for optimizer step `step` (0-based) of `total` planned steps."""
    lr = spec["lr"]
    kind = spec.get("schedule", "constant")
    warmup = int(round(spec.get("warmup_frac", 0.0) * total))
    if warmup > 0 and step < warmup:
        return lr * (step + 1) / warmup
    if kind == "constant" or kind == "warmup-constant":
        return lr
    decay_total = spec.get("decay_frac", 1.0) * total
    progress = min(1.0, (step - warmup) / max(1.0, decay_total - warmup))
    floor = spec.get("min_lr_frac", 0.0) * lr
    if kind == "warmup-cosine":
        return floor + (lr - floor) * 0.5 * (1.0 + math.cos(math.pi * progress))
    if kind == "linear":
        return floor + (lr - floor) * (1.0 - progress)
    raise ValueError("unknown schedule " + kind)


def _optimizer(spec, params):
    name = spec.get("optimizer", "adamw")
    wd = spec.get("weight_decay", 0.0)
    if name == "sgd":
        return torch.optim.SGD(params, lr=spec["lr"], momentum=spec.get("momentum", 0.0), weight_decay=wd)
    if name == "adam":
        return torch.optim.Adam(params, lr=spec["lr"], weight_decay=wd)
    if name == "adamw":
        return torch.optim.AdamW(params, lr=spec["lr"], weight_decay=wd)
    raise ValueError("unknown optimizer " + name)


def _loss_fn(spec):
    return lambda logits, y: F.cross_entropy(logits, y)


def prepare_task(spec, rng):
    """Builds the data set and applies the data faults of the spec (to labels, splits or features)."""
    task = tasks.build(spec["task"], rng, **spec.get("task_args", {}))
    k = task.n_classes
    noise = spec.get("label_noise")
    if noise:
        for split in ("train", "val"):
            y = getattr(task, "y_" + split).copy()
            if noise["kind"] == "symmetric":
                flip = rng.random(len(y)) < noise["rate"]
                other = (y + rng.integers(1, k, size=len(y))) % k
                y = np.where(flip, other, y)
            else:  # class pairs: a share of class a is labelled b, and the other way round
                orig = y.copy()
                for a, b in noise["pairs"]:
                    for src, dst in ((a, b), (b, a)):
                        idx = np.where((orig == src) & (rng.random(len(orig)) < noise["rate"]))[0]
                        y[idx] = dst
            setattr(task, "y_" + split, y)
    if spec.get("shuffle_labels"):
        task.y_train = rng.permutation(task.y_train)
        task.y_val = rng.permutation(task.y_val)
    leak = spec.get("leak")
    if leak and leak["kind"] == "duplicates":
        n_dup = int(round(leak["share"] * len(task.y_val)))
        pick = rng.choice(len(task.y_train), size=n_dup, replace=False)
        task.x_val = np.concatenate([task.x_train[pick], task.x_val[n_dup:]])
        task.y_val = np.concatenate([task.y_train[pick], task.y_val[n_dup:]])
    if leak and leak["kind"] == "target-feature":
        # One extra input column carries the label (an id or a derived field that encodes it), in both splits.
        def with_target(x, y):
            col = (y.astype(np.float32) / max(1, k - 1))[:, None]
            return np.concatenate([x, col], axis=1).astype(np.float32)
        task.x_train = with_target(task.x_train, task.y_train)
        task.x_val = with_target(task.x_val, task.y_val)
    if spec.get("eval_size"):
        n = spec["eval_size"]
        task.x_val, task.y_val = task.x_val[:n], task.y_val[:n]
    task.train_ids = ["train-%05d" % i for i in range(len(task.y_train))]
    task.val_ids = ["val-%05d" % i for i in range(len(task.y_val))]
    return task


def _shifted(spec, x):
    """The data-shift fault: from a given epoch on, the training loader serves inputs from another distribution."""
    shift = spec["data_shift"]
    if shift["kind"] == "invert":
        return 1.0 - x
    if shift["kind"] == "offset":
        return x + shift.get("amount", 2.0)
    raise ValueError(shift["kind"])


def _evaluate(model, loss_fn, x, y, batch=512):
    model.eval()
    logits = []
    with torch.no_grad():
        for i in range(0, len(y), batch):
            logits.append(model(torch.as_tensor(x[i:i + batch])))
    model.train()
    logits = torch.cat(logits)
    yt = torch.as_tensor(y)
    loss = float(loss_fn(logits, yt))
    probs = torch.softmax(logits.double(), dim=1).numpy()
    pred = logits.argmax(dim=1).numpy()
    acc = float((pred == y).mean())
    f1 = float(f1_score(y, pred, average="macro", labels=list(range(logits.shape[1])), zero_division=0))
    return loss, acc, f1, probs


def train(spec, seed, task=None, cv_fold=None):
    """Trains one run from its spec; returns a Trace (or, with cv_fold, only the held-out fold's probabilities)."""
    rng = np.random.default_rng(seed)
    _seed_all(seed)
    if task is None:
        task = prepare_task(spec, rng)
    x_train, y_train = task.x_train, task.y_train
    if cv_fold is not None:
        train_idx, held_idx = cv_fold
        x_held = x_train[held_idx]
        x_train, y_train = x_train[train_idx], y_train[train_idx]

    model = models.build(spec["arch"], task, **spec.get("model_args", {}))
    opt = _optimizer(spec, model.parameters())
    loss_fn = _loss_fn(spec)
    bs = spec.get("batch_size", 64)
    accum = spec.get("accumulation", 1)
    n = len(y_train)
    micro_per_epoch = math.ceil(n / bs)
    steps_per_epoch = max(1, micro_per_epoch // accum)
    epochs = spec["epochs"]
    total = spec.get("max_steps") or epochs * steps_per_epoch
    log_every = spec.get("log_every", 5)
    clip = spec.get("clip")
    patience = spec.get("early_stopping_patience")
    restart = spec.get("restart")
    spike = spec.get("lr_spike")
    eval_every = spec.get("eval_every")  # in optimizer steps; default: at the end of each epoch

    trace = Trace()
    trace.steps_per_epoch = steps_per_epoch
    trace.max_steps = total
    trace.num_train_epochs = epochs
    trace.n_train, trace.n_val = n, len(task.y_val)
    trace.parameters = sum(p.numel() for p in model.parameters())
    trace.classes = task.classes

    state = {"best": float("inf"), "best_state": None, "counter": 0}

    def evaluate_now():
        """Evaluates, saves a checkpoint, and applies early stopping (HF semantics); True when training must stop."""
        vloss, vacc, vf1, _ = _evaluate(model, loss_fn, task.x_val, task.y_val)
        trace.evals.append({"step": step, "epoch": step / steps_per_epoch, "loss": vloss, "accuracy": vacc, "macro_f1": vf1})
        trace.checkpoints.append(step)
        if math.isfinite(vloss) and vloss < state["best"]:
            state["best"], state["counter"] = vloss, 0
            if patience:
                state["best_state"] = copy.deepcopy(model.state_dict())
        elif patience:
            state["counter"] += 1
            return state["counter"] >= patience
        return False

    step = 0
    schedule_origin = 0
    buf_loss, buf_gn, buf_acc = [], [], []
    all_losses = []
    stopped = False
    epoch_idx = 0
    while epoch_idx < epochs and step < total and not stopped:
        order = rng.permutation(n)
        ep_loss, ep_gn, ep_acc = [], [], []
        shifted = spec.get("data_shift") and epoch_idx >= spec["data_shift"]["at_epoch"]
        for s in range(steps_per_epoch):
            if step >= total:
                break
            if restart and step == restart["at_step"]:
                # Resumed from a checkpoint, but the optimizer and the scheduler were created afresh.
                opt = _optimizer(spec, model.parameters())
                schedule_origin = step
            lr = schedule_lr(spec, step - schedule_origin, total if not restart else total)
            if spike and spike["at_step"] <= step < spike["at_step"] + spike["steps"]:
                lr *= spike["factor"]
            for g in opt.param_groups:
                g["lr"] = lr
            opt.zero_grad(set_to_none=True)
            step_loss = 0.0
            correct = 0
            seen = 0
            for a in range(accum):
                idx = order[(s * accum + a) * bs:(s * accum + a + 1) * bs]
                if len(idx) == 0:
                    continue
                xb = x_train[idx]
                if shifted:
                    xb = _shifted(spec, xb)
                xb = torch.as_tensor(xb)
                yb = torch.as_tensor(y_train[idx])
                logits = model(xb)
                loss = loss_fn(logits, yb)
                (loss / accum).backward()
                step_loss += float(loss) / accum
                correct += int((logits.argmax(1) == yb).sum())
                seen += len(idx)
            params = [p for p in model.parameters() if p.grad is not None]
            gn = float(torch.nn.utils.clip_grad_norm_(params, clip if clip else float("inf")))
            opt.step()
            step += 1
            buf_loss.append(step_loss)
            buf_gn.append(gn)
            buf_acc.append(correct / max(1, seen))
            ep_loss.append(step_loss)
            ep_gn.append(gn)
            ep_acc.append(correct / max(1, seen))
            all_losses.append(step_loss)
            if step % log_every == 0:
                trace.train_logs.append({
                    "step": step, "epoch": step / steps_per_epoch,
                    "loss": float(np.mean(buf_loss)), "grad_norm": gn, "lr": lr,
                    "loss_std": float(np.std(buf_loss)), "grad_norm_std": float(np.std(buf_gn)),
                    "accuracy": float(np.mean(buf_acc))})
                buf_loss, buf_gn, buf_acc = [], [], []
            if eval_every and cv_fold is None and step % eval_every == 0:
                stopped = evaluate_now()
                if stopped:
                    break
        epoch_idx += 1
        if cv_fold is not None:
            continue
        trace.epoch_train.append({"epoch": epoch_idx - 1, "loss": float(np.mean(ep_loss)) if ep_loss else float("nan"),
                                  "grad_norm": float(np.mean(ep_gn)) if ep_gn else float("nan"), "lr": lr,
                                  "accuracy": float(np.mean(ep_acc)) if ep_acc else float("nan")})
        if not eval_every:
            stopped = evaluate_now()
    trace.global_step = step
    trace.epoch = step / steps_per_epoch
    trace.train_loss_mean = float(np.mean(all_losses)) if all_losses else float("nan")

    if cv_fold is not None:
        model.eval()
        with torch.no_grad():
            logits = model(torch.as_tensor(x_held))
        return torch.softmax(logits.double(), dim=1).numpy()

    if patience:
        trace.early_stop = {"patience": patience, "counter": state["counter"], "fired": stopped}
        if stopped and state["best_state"] is not None:
            model.load_state_dict(state["best_state"])  # load_best_model_at_end
    if spec.get("predictions"):
        _, _, _, probs = _evaluate(model, loss_fn, task.x_val, task.y_val)
        trace.predictions = (task.val_ids, [task.classes[i] for i in task.y_val], probs)
    if spec.get("cv_predictions"):
        trace.cv_predictions = cross_validated(spec, seed, task)
    return trace


def cross_validated(spec, seed, task, folds=5):
    """Out-of-sample probabilities for every training example: k-fold, each fold predicted by a model trained on the
    others with the run's own recipe (as confident learning expects)."""
    rng = np.random.default_rng(seed + 7919)
    order = rng.permutation(len(task.y_train))
    parts = np.array_split(order, folds)
    probs = np.zeros((len(task.y_train), task.n_classes))
    for f in range(folds):
        held = parts[f]
        rest = np.concatenate([parts[g] for g in range(folds) if g != f])
        probs[held] = train(spec, seed + 101 * (f + 1), task=task, cv_fold=(rest, held))
    return (task.train_ids, [task.classes[i] for i in task.y_train], probs)

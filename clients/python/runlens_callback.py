"""Runlens callback for the Hugging Face Trainer (standard library only; Python 3.9+).

It records what the Trainer logs -- loss, grad_norm, learning_rate, every eval_* metric including per-label ones
from ``compute_metrics``, the parameter count, the dataset sizes, checkpoints and the best checkpoint -- to a JSON
Lines file ``runlens.jsonl`` that ``runlens analyze`` and ``runlens run`` import (schema ``runlens.callback/v1``, see
docs/callback.md), and optionally to a Runlens server. It also obeys Runlens' control document
(``runlens.control/v1``): ``stop`` ends training gracefully, ``reduce_lr`` scales the optimizer's learning rates,
``rollback`` loads (or names) the best checkpoint.

Usage with the Trainer::

    from runlens_callback import RunlensCallback, runlens_guard

    cb = RunlensCallback()                      # writes <output_dir>/runlens.jsonl (or $RUNLENS_RUN_DIR/runlens.jsonl)
    trainer = Trainer(model=model, args=args, train_dataset=train, eval_dataset=dev,
                      compute_metrics=compute_metrics, callbacks=[cb])
    with runlens_guard(cb):                     # records an exception as an error event and a failed status
        trainer.train()

    # also to a server:  RunlensCallback(server="http://127.0.0.1:5000")  (or $RUNLENS_SERVER)

The module imports without ``transformers`` (the callback is then a plain class with the same method names, so any
loop can call it) and without ``torch`` (then ``rollback`` only names the checkpoint). It installs nothing global.
Non-finite numbers are written as the strings ``"NaN"``, ``"Infinity"`` and ``"-Infinity"``. Each line is flushed as it
is written, so a watcher can read the file while training runs. The server and the control document are optional:
when the server cannot be reached, a warning is recorded in the file and training goes on.
"""

import contextlib
import datetime
import json
import math
import os
import sys
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request

__all__ = ["RunlensCallback", "runlens_guard", "SCHEMA", "CONTROL_SCHEMA", "FILE_NAME"]

SCHEMA = "runlens.callback/v1"
CONTROL_SCHEMA = "runlens.control/v1"
FILE_NAME = "runlens.jsonl"
CONTROL_FILE_NAME = "control.json"

try:  # subclass the real TrainerCallback when transformers is installed; never require it
    from transformers import TrainerCallback as _Base  # type: ignore
except Exception:  # pragma: no cover - depends on the environment
    _Base = object

_SECRET_WORDS = ("password", "secret", "api_key", "apikey")


def _is_secret(key):
    k = key.lower()
    return k.endswith("token") or any(w in k for w in _SECRET_WORDS)


def _redacted(value):
    """Config without private keys and with secrets (hub_token, passwords, API keys) replaced by "<redacted>"."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            key = str(k)
            if key.startswith("_"):
                continue
            out[key] = "<redacted>" if _is_secret(key) and v not in (None, "") else _redacted(v)
        return out
    return value


def _now_iso():
    return datetime.datetime.now(datetime.timezone.utc).isoformat()


def _number(value):
    """A plain float/int from a Python, numpy or torch scalar, or None when it is not a number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value
    item = getattr(value, "item", None)
    if callable(item):
        try:
            if getattr(value, "numel", None) is not None and value.numel() != 1:
                return None
            v = item()
        except Exception:
            return None
        if isinstance(v, bool):
            return None
        if isinstance(v, (int, float)):
            return v
    return None


def _jsonable(value, depth=0):
    """Converts a value to what JSON can hold: non-finite floats become "NaN"/"Infinity"/"-Infinity", objects their text."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return value
    if depth > 6:
        return str(value)
    if isinstance(value, dict):
        return {str(k): _jsonable(v, depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_jsonable(v, depth + 1) for v in value]
    n = _number(value)
    if n is not None:
        return _jsonable(n, depth)
    enum_value = getattr(value, "value", None)
    if enum_value is not None and isinstance(enum_value, (str, int, float)):
        return _jsonable(enum_value, depth)
    return str(value)


def _flatten(prefix, value, out):
    """Flattens nested config to dotted keys of scalars (the server's config takes scalars only)."""
    for k, v in value.items():
        key = prefix + str(k)
        if isinstance(v, dict):
            _flatten(key + ".", v, out)
        elif v is None or isinstance(v, (bool, int, float, str)):
            out[key] = v
        else:
            out[key] = json.dumps(v)


def _dumps(obj):
    return json.dumps(_jsonable(obj), allow_nan=False, ensure_ascii=False, separators=(",", ":"))


class RunlensCallback(_Base):
    """Sends the Trainer's logs to ``runlens.jsonl`` (and to a Runlens server when one is given) and obeys control.json.

    Args:
        dir: folder for ``runlens.jsonl``; default ``$RUNLENS_RUN_DIR``, else the Trainer's ``args.output_dir``, else ".".
        server: Runlens server URL, e.g. ``http://127.0.0.1:5000``; default ``$RUNLENS_SERVER``; None: file only.
        run_name: the run's name; default ``args.run_name``, else the folder's name.
        control_path: the control document to poll; default ``$RUNLENS_CONTROL``, else ``DIR/control.json``.
        poll_seconds: read the control document at most this often (0: at every call).
        flush_seconds: send buffered points to the server at most this often (always at evaluation, save and end).
        server_timeout: seconds to wait for the server before giving up on one request.
    """

    def __init__(self, dir=None, server=None, run_name=None, control_path=None, poll_seconds=2.0,
                 flush_seconds=5.0, server_timeout=5.0, run_id=None):
        self.dir = dir
        self.server = (server or os.environ.get("RUNLENS_SERVER") or "").rstrip("/") or None
        self.run_name = run_name
        self.run_id = run_id
        self.control_path = control_path
        self.poll_seconds = float(poll_seconds)
        self.flush_seconds = float(flush_seconds)
        self.server_timeout = float(server_timeout)
        self.path = None
        self._file = None
        self._started = False
        self._finished = None
        self._last_poll = None
        self._applied = set()
        self._last_logged = None
        self._model = None
        self._optimizer = None
        self._scheduler = None
        self._args = None
        self._state = None
        self._pending = []
        self._last_flush = time.time()
        self._server_ok = True
        self._server_retry_at = 0.0
        self._server_warned = False

    # ---- Trainer events -------------------------------------------------------------------------------------------

    def on_init_end(self, args, state, control, **kwargs):
        self._args = args
        return None

    def on_train_begin(self, args, state, control, **kwargs):
        self._remember(args, state, kwargs)
        self._begin(args, state, kwargs)
        return None

    def on_step_end(self, args, state, control, **kwargs):
        self._remember(args, state, kwargs)
        self._poll_control(args, state, control)
        return None

    def on_log(self, args, state, control, logs=None, **kwargs):
        self._remember(args, state, kwargs)
        if self._is_writer(state):
            self._write_log(state, logs or {})
        self._poll_control(args, state, control)
        return None

    def on_evaluate(self, args, state, control, metrics=None, **kwargs):
        self._remember(args, state, kwargs)
        if self._is_writer(state) and metrics:
            # The Trainer logs the eval metrics through on_log just before; write them only when that did not happen.
            values = self._values(metrics)
            last = self._last_logged
            seen = last is not None and last[0] == state.global_step and all(k in last[1] for k in values)
            if not seen:
                self._write_log(state, metrics)
        self._flush_server(force=True)
        self._poll_control(args, state, control)
        return None

    def on_save(self, args, state, control, **kwargs):
        self._remember(args, state, kwargs)
        if self._is_writer(state):
            step = getattr(state, "global_step", None)
            out = getattr(args, "output_dir", None) or self._folder(args)
            path = os.path.join(out, "checkpoint-%s" % step) if step is not None else None
            record = {"type": "checkpoint", "step": step, "path": path, "time": time.time(),
                      "best": getattr(state, "best_model_checkpoint", None),
                      "best_metric": _number(getattr(state, "best_metric", None))}
            self._write(record)
            self._flush_server(force=True)
        return None

    def on_epoch_end(self, args, state, control, **kwargs):
        self._remember(args, state, kwargs)
        self._poll_control(args, state, control)
        return None

    def on_train_end(self, args, state, control, **kwargs):
        self._remember(args, state, kwargs)
        if self._is_writer(state):
            self._write_state(state, control)
            self._finish("finished", state)
        return None

    # ---- failures -------------------------------------------------------------------------------------------------

    def record_exception(self, exc, status="failed"):
        """Records ``exc`` as an error event (type, message, last frame) and the run's status as failed (or killed)."""
        if not self._started:
            self._begin(self._args, self._state, {})
        frames = traceback.extract_tb(exc.__traceback__) if exc.__traceback__ is not None else []
        last = frames[-1] if frames else None
        frame = "%s:%d in %s" % (last.filename, last.lineno, last.name) if last else None
        text = str(exc)
        message = "%s: %s" % (type(exc).__name__, text) if text else type(exc).__name__
        if frame:
            message += " (at %s)" % frame
        tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        self._event("error", message, {"exception": {"type": type(exc).__name__, "message": text, "frame": frame,
                                                     "traceback": tb[-8000:]}})
        self._finish(status, self._state)

    # ---- internals ------------------------------------------------------------------------------------------------

    def _remember(self, args, state, kwargs):
        self._args = args if args is not None else self._args
        self._state = state if state is not None else self._state
        for name, attr in (("model", "_model"), ("optimizer", "_optimizer"), ("lr_scheduler", "_scheduler")):
            if kwargs.get(name) is not None:
                setattr(self, attr, kwargs[name])

    def _is_writer(self, state):
        return bool(getattr(state, "is_world_process_zero", True))

    def _folder(self, args):
        return (self.dir or os.environ.get("RUNLENS_RUN_DIR") or getattr(args, "output_dir", None) or ".")

    def _begin(self, args, state, kwargs):
        if self._started and not self._finished:
            return
        # A second train() with the same callback (a hyperparameter search) appends a new run to the same file.
        append = self._started
        self._started = True
        self._finished = None
        self._pending = []
        if append and self.server:
            self.run_id = None
        folder = self._folder(args)
        self.path = os.path.join(folder, FILE_NAME)
        if self.control_path is None:
            self.control_path = os.environ.get("RUNLENS_CONTROL") or os.path.join(folder, CONTROL_FILE_NAME)
        name = self.run_name or getattr(args, "run_name", None) or os.path.basename(os.path.abspath(folder))
        writer = self._is_writer(state)
        if writer:
            try:
                os.makedirs(folder, exist_ok=True)
                self.close()
                self._file = open(self.path, "a" if append else "w", encoding="utf-8")
            except OSError as e:
                sys.stderr.write("runlens: cannot write %s: %s; the run is not recorded to a file\n" % (self.path, e))
                self._file = None
        record = {"type": "run", "schema": SCHEMA, "name": name, "started": _now_iso(), "time": time.time(),
                  "config": self._config(args)}
        trainer = self._trainer_info(args, state)
        if trainer:
            record["trainer"] = trainer
        model = self._model_info(kwargs.get("model"))
        if model:
            record["model"] = model
        datasets = self._dataset_info(kwargs)
        if datasets:
            record["datasets"] = datasets
        if writer:
            self._write(record)
            if self.server:
                self._server_create(record)
        # Actions already in the control document belong to an earlier run in this folder: they are not applied.
        doc = self._read_control()
        if doc:
            stale = [a.get("id") for a in doc.get("actions", []) if isinstance(a, dict) and a.get("id") is not None]
            if stale:
                self._applied.update(stale)
                self._event("note", "control actions %s were already in %s when training began; they were not applied"
                            % (", ".join(map(str, stale)), self._control_source()), {})
        self._last_poll = time.time()

    def _config(self, args):
        if args is None:
            return {}
        raw = None
        to_dict = getattr(args, "to_dict", None)
        if callable(to_dict):
            try:
                raw = to_dict()
            except Exception:
                raw = None
        if raw is None:
            try:
                raw = dict(vars(args))
            except TypeError:
                raw = {}
        return _jsonable(_redacted(raw))

    def _trainer_info(self, args, state):
        info = {}
        for name in ("max_steps", "num_train_epochs", "logging_steps", "eval_steps", "save_steps", "train_batch_size"):
            v = _number(getattr(state, name, None))
            if v is not None and v > 0:
                info[name] = v
        for name in ("world_size", "n_gpu", "train_batch_size"):
            try:
                v = _number(getattr(args, name, None))
            except Exception:
                v = None
            if v is not None and name not in info:
                info[name] = v
        return info

    def _model_info(self, model):
        if model is None or not callable(getattr(model, "parameters", None)):
            return None
        try:
            total = 0
            trainable = 0
            for p in model.parameters():
                n = int(p.numel())
                total += n
                if getattr(p, "requires_grad", False):
                    trainable += n
            info = {"parameters": total, "trainable_parameters": trainable, "class": type(model).__name__}
        except Exception:
            return None
        # A Hugging Face model carries its architecture in model.config (PretrainedConfig): depth, width, activation.
        to_dict = getattr(getattr(model, "config", None), "to_dict", None)
        if callable(to_dict):
            try:
                config = to_dict()
                if isinstance(config, dict):
                    info["config"] = _jsonable(_redacted(config))
            except Exception:
                pass
        return info

    def _dataset_info(self, kwargs):
        sizes = {}
        for split, key in (("train", "train_dataloader"), ("eval", "eval_dataloader")):
            loader = kwargs.get(key)
            dataset = getattr(loader, "dataset", None) if loader is not None else None
            try:
                if dataset is not None:
                    sizes[split] = len(dataset)
            except Exception:
                pass
        return sizes

    def _values(self, logs):
        values = {}
        for k, v in logs.items():
            if k in ("epoch", "step"):
                continue
            n = _number(v)
            if n is not None:
                values[str(k)] = n
        return values

    def _write_log(self, state, logs):
        values = self._values(logs)
        if not values:
            return
        step = getattr(state, "global_step", 0)
        epoch = _number(logs.get("epoch"))
        if epoch is None:
            epoch = _number(getattr(state, "epoch", None))
        now = time.time()
        self._write({"type": "log", "step": step, "epoch": epoch, "time": now, "values": values})
        self._last_logged = (step, values)
        if self.server:
            ms = int(now * 1000)
            for k, v in values.items():
                point = {"key": k, "step": step, "value": _jsonable(float(v)), "timestamp": ms}
                if epoch is not None and math.isfinite(epoch):
                    point["epoch"] = epoch
                self._pending.append(point)
            self._flush_server(force=False)

    def _write_state(self, state, control):
        record = {"type": "state", "global_step": getattr(state, "global_step", None),
                  "epoch": _number(getattr(state, "epoch", None)),
                  "best_metric": _number(getattr(state, "best_metric", None)),
                  "best_model_checkpoint": getattr(state, "best_model_checkpoint", None),
                  "should_training_stop": bool(getattr(control, "should_training_stop", False))}
        self._write(record)

    def _event(self, kind, message, extra, step=None):
        if step is None:
            step = getattr(self._state, "global_step", None)
        record = {"type": "event", "kind": kind, "message": message, "step": step, "time": time.time()}
        record.update(extra)
        if self._is_writer(self._state):
            self._write(record)
            if self.server and self.run_id:
                event = {"kind": kind, "message": message}
                if step is not None:
                    event["step"] = step
                self._post("/api/runs/%s/events" % self._quoted_id(), {"events": [event]})

    def _finish(self, status, state):
        if self._finished == status:
            return
        self._finished = status
        now = time.time()
        if self._is_writer(state):
            self._write({"type": "status", "status": status, "time": now})
            if self.server and self.run_id:
                self._flush_server(force=True)
                best = getattr(state, "best_model_checkpoint", None)
                if best:
                    self._request("PUT", "/api/runs/%s/tags" % self._quoted_id(), {"best_model_checkpoint": best})
                self._post("/api/runs/%s/status" % self._quoted_id(), {"status": status, "end_time": int(now * 1000)})

    def close(self):
        """Closes the record file (it is flushed after every line, so this is only tidiness)."""
        if self._file is not None:
            try:
                self._file.close()
            except OSError:
                pass
            self._file = None

    def _write(self, record):
        if self._file is None:
            return
        try:
            self._file.write(_dumps(record) + "\n")
            self._file.flush()
        except (OSError, ValueError) as e:
            sys.stderr.write("runlens: could not write %s: %s\n" % (self.path, e))

    # ---- server ---------------------------------------------------------------------------------------------------

    def _quoted_id(self):
        return urllib.parse.quote(str(self.run_id), safe="")

    def _server_create(self, record):
        body = {"name": record["name"], "start_time": int(record["time"] * 1000)}
        if self.run_id:
            body["id"] = self.run_id
        config = {}
        _flatten("", record.get("config") or {}, config)
        for section in ("trainer", "model"):
            for k, v in (record.get(section) or {}).items():
                if section == "model" and isinstance(v, dict):
                    _flatten("model.", v, config)  # model.config: the same model.* keys as an HF config.json
                else:
                    config[("model." + k) if section == "model" else k] = v
        for k, v in (record.get("datasets") or {}).items():
            config["dataset." + k + "_examples"] = v
        body["config"] = config
        answer = self._request("POST", "/api/runs", body)
        if isinstance(answer, dict) and answer.get("id"):
            self.run_id = answer["id"]
            self._write({"type": "event", "kind": "note", "message": "sending to %s as run %s" % (self.server, self.run_id),
                         "step": None, "time": time.time(), "server_run": self.run_id})

    def _flush_server(self, force):
        if not self.server or not self.run_id or not self._pending:
            return
        if not force and time.time() - self._last_flush < self.flush_seconds and len(self._pending) < 5000:
            return
        batch = self._pending
        if self._post("/api/runs/%s/points" % self._quoted_id(), {"points": batch}) is not None:
            self._pending = []
        elif len(self._pending) > 200000:
            dropped = len(self._pending) - 100000
            self._pending = self._pending[-100000:]
            self._warn_server("dropped %d buffered points the server did not take" % dropped)
        self._last_flush = time.time()

    def _post(self, route, body):
        return self._request("POST", route, body)

    def _request(self, method, route, body):
        """Sends one request; None when it failed (a warning is recorded once, and requests pause for 30 s)."""
        if not self.server:
            return None
        if not self._server_ok and time.time() < self._server_retry_at:
            return None
        data = _dumps(body).encode("utf-8") if body is not None else None
        req = urllib.request.Request(self.server + route, data=data, method=method,
                                     headers={"Content-Type": "application/json", "Accept": "application/json"})
        token = os.environ.get("RUNLENS_TOKEN")
        if token:
            req.add_header("Authorization", "Bearer " + token)
        try:
            with urllib.request.urlopen(req, timeout=self.server_timeout) as resp:
                text = resp.read().decode("utf-8", "replace")
            self._server_ok = True
            try:
                return json.loads(text) if text.strip() else {}
            except ValueError:
                return {}
        except urllib.error.HTTPError as e:
            if e.code in (404, 405) and method == "GET":
                return None
            self._warn_server("%s %s answered %d: %s" % (method, route, e.code, e.read()[:300].decode("utf-8", "replace")))
            return None
        except Exception as e:  # the server must never stop the training
            self._server_ok = False
            self._server_retry_at = time.time() + 30
            self._warn_server("%s %s failed: %s" % (method, route, e))
            return None

    def _warn_server(self, message):
        if self._server_warned:
            return
        self._server_warned = True
        self._write({"type": "event", "kind": "warning", "step": getattr(self._state, "global_step", None),
                     "time": time.time(),
                     "message": "Runlens server %s: %s; the run goes on being recorded in %s" % (self.server, message, self.path)})

    # ---- control --------------------------------------------------------------------------------------------------

    def _control_source(self):
        return ("%s/api/runs/%s/control" % (self.server, self.run_id)) if self.server and self.run_id else self.control_path

    def _read_control(self):
        if self.server and self.run_id:
            doc = self._request("GET", "/api/runs/%s/control" % self._quoted_id(), None)
            if isinstance(doc, dict) and doc.get("schema") == CONTROL_SCHEMA:
                return doc
        path = self.control_path
        if not path or not os.path.isfile(path):
            return None
        try:
            with open(path, "r", encoding="utf-8") as f:
                doc = json.load(f)
        except (OSError, ValueError):
            return None  # being replaced or half written: read again at the next poll
        if not isinstance(doc, dict) or doc.get("schema") != CONTROL_SCHEMA:
            return None
        return doc

    def _poll_control(self, args, state, control):
        if not self._started:
            return
        now = time.time()
        if self._last_poll is not None and now - self._last_poll < self.poll_seconds:
            return
        self._last_poll = now
        doc = self._read_control()
        if not doc:
            return
        for action in doc.get("actions") or []:
            if not isinstance(action, dict):
                continue
            aid = action.get("id")
            if aid is None or aid in self._applied:
                continue
            self._applied.add(aid)
            self._apply(action, args, state, control)

    def _apply(self, action, args, state, control):
        aid = action.get("id")
        verb = action.get("action")
        reason = action.get("reason") or ""
        step = getattr(state, "global_step", None)
        info = {"action": {"id": aid, "verb": verb, "reason": reason}}
        if action.get("rule"):
            info["action"]["rule"] = action["rule"]
        if verb == "stop":
            if control is not None:
                control.should_training_stop = True
            self._event("note", "control %s: stop at step %s: %s" % (aid, step, reason), info)
        elif verb == "reduce_lr":
            factor = _number(action.get("factor"))
            if factor is None or not (math.isfinite(factor) and factor > 0):
                self._event("warning", "control %s: reduce_lr ignored: factor %r is not a positive number"
                            % (aid, action.get("factor")), info)
                return
            info["action"]["factor"] = factor
            lrs = self._scale_lr(factor)
            if lrs is None:
                self._event("warning", "control %s: reduce_lr by %g not applied: no optimizer was given to the callback: %s"
                            % (aid, factor, reason), info)
            else:
                info["action"]["learning_rates"] = lrs
                self._event("note", "control %s: reduce_lr by %g at step %s (learning rate now %s): %s"
                            % (aid, factor, step, ", ".join("%g" % x for x in lrs), reason), info)
        elif verb == "rollback":
            path = action.get("checkpoint") or getattr(state, "best_model_checkpoint", None)
            outcome = self._rollback(path, args)
            info["action"]["checkpoint"] = path
            info["action"]["loaded"] = outcome[0]
            self._event("note", "control %s: rollback at step %s: %s: %s" % (aid, step, outcome[1], reason), info)
        else:
            self._event("warning", "control %s: unknown action %r ignored" % (aid, verb), info)

    def _scale_lr(self, factor):
        optimizer = self._optimizer
        groups = getattr(optimizer, "param_groups", None) if optimizer is not None else None
        if not groups:
            return None
        for g in groups:
            if "lr" in g:
                g["lr"] = g["lr"] * factor
            if "initial_lr" in g:
                g["initial_lr"] = g["initial_lr"] * factor
        scheduler = self._scheduler
        if scheduler is not None:
            base = getattr(scheduler, "base_lrs", None)
            if isinstance(base, list):
                scheduler.base_lrs = [b * factor for b in base]
            last = getattr(scheduler, "_last_lr", None)
            if isinstance(last, list):
                scheduler._last_lr = [x * factor for x in last]
        return [g["lr"] for g in groups if "lr" in g]

    def _rollback(self, path, args):
        """Loads the checkpoint's weights into the model when it can; returns (loaded, description)."""
        if not path:
            return False, "no checkpoint named and no best checkpoint known; nothing loaded"
        candidates = [path]
        out = getattr(args, "output_dir", None)
        if out and not os.path.isabs(path):
            candidates.append(os.path.join(out, path))
        folder = next((c for c in candidates if os.path.exists(c)), None)
        if folder is None:
            return False, "checkpoint %s does not exist; nothing loaded" % path
        model = self._model
        if model is None or not callable(getattr(model, "load_state_dict", None)):
            return False, "best checkpoint is %s (no model was given to the callback, so it was not loaded)" % folder
        files = [folder] if os.path.isfile(folder) else [os.path.join(folder, n) for n in ("model.safetensors", "pytorch_model.bin")]
        for f in files:
            if not os.path.isfile(f):
                continue
            try:
                if f.endswith(".safetensors"):
                    from safetensors.torch import load_file  # type: ignore
                    weights = load_file(f)
                else:
                    import torch  # type: ignore
                    try:
                        weights = torch.load(f, map_location="cpu", weights_only=True)
                    except TypeError:
                        weights = torch.load(f, map_location="cpu")
                if isinstance(weights, dict) and "state_dict" in weights and isinstance(weights["state_dict"], dict):
                    weights = weights["state_dict"]
                model.load_state_dict(weights)
                return True, "loaded the weights of %s" % f
            except Exception as e:
                return False, "could not load %s (%s: %s); the model was left as it was" % (f, type(e).__name__, e)
        return False, "best checkpoint is %s (no model.safetensors or pytorch_model.bin in it, so it was not loaded)" % folder


@contextlib.contextmanager
def runlens_guard(callback):
    """``with runlens_guard(cb): trainer.train()`` records an exception (type, message, last frame) as an error event and
    the run as failed (killed for KeyboardInterrupt), then re-raises it."""
    try:
        yield callback
    except KeyboardInterrupt as e:
        callback.record_exception(e, status="killed")
        raise
    except SystemExit as e:
        if e.code not in (None, 0):
            callback.record_exception(e)
        raise
    except BaseException as e:
        callback.record_exception(e)
        raise

"""``TrainingMonitor``: Runlens for a hand-written training loop (standard library only).

::

    from runlens import TrainingMonitor

    monitor = TrainingMonitor(alert_thresholds={"val/recall": 0.75}, config={"lr": 1e-3}, model=model, optimizer=opt)
    for step in range(1, steps + 1):
        loss = train_step()
        report = monitor.log_step(step, {"loss": loss})
        if step % 100 == 0:
            report = monitor.log_step(step, validate(model))       # {"val/loss": ..., "val/recall": ...}
        if report.should_stop:                                     # a stop action from runlens watch / run / serve
            break
    monitor.finish()

``log_step`` writes the step to ``runlens.jsonl`` (and posts it to ``runlens serve`` with ``server=``), reads the control
document, applies its actions (``reduce_lr`` scales the optimizer's learning rates, ``rollback`` loads a checkpoint into
the model, ``stop`` sets ``should_stop``), checks the values for anomalies, and returns a ``StepReport`` with the
anomalies and actions of this step and of the run so far, so the loop can act on them in the same step.
"""

import math
import sys

from ._recorder import LoopArgs, LoopControl, LoopState, Recorder, number as _as_float

__all__ = ["TrainingMonitor", "Anomaly", "StepReport"]

# Names of metrics where lower is better: a plain number in alert_thresholds is then an upper limit.
_LOWER_IS_BETTER = ("loss", "error", "perplexity", "wer", "cer", "mse", "mae", "rmse", "ece", "brier")


def _lower_is_better(name):
    n = name.lower()
    return any(w in n for w in _LOWER_IS_BETTER)


class Anomaly:
    """One thing wrong with a logged value.

    Attributes:
        step: the step it was logged at.
        metric: the metric's name as logged.
        value: the value.
        kind: ``non_finite`` (NaN or infinite), ``threshold`` (past a limit of ``alert_thresholds``) or ``spike`` (far
            from the metric's recent values: robust z-score above ``spike_z``).
        limit: the threshold crossed (``threshold``), or the z-score limit (``spike``); None for ``non_finite``.
        message: one sentence for people.
    """

    __slots__ = ("step", "metric", "value", "kind", "limit", "message")

    def __init__(self, step, metric, value, kind, limit, message):
        self.step = step
        self.metric = metric
        self.value = value
        self.kind = kind
        self.limit = limit
        self.message = message

    def as_dict(self):
        return {"step": self.step, "metric": self.metric, "value": self.value, "kind": self.kind, "limit": self.limit,
                "message": self.message}

    def __repr__(self):
        return "Anomaly(%r)" % (self.as_dict(),)


class StepReport:
    """What ``log_step`` found: this step's anomalies and control actions, everything found so far, and whether a
    ``stop`` action asks the loop to end. True when this step found anything."""

    __slots__ = ("step", "anomalies", "actions", "all_anomalies", "all_actions", "should_stop")

    def __init__(self, step, anomalies, actions, all_anomalies, all_actions, should_stop):
        self.step = step
        self.anomalies = anomalies
        self.actions = actions
        self.all_anomalies = all_anomalies
        self.all_actions = all_actions
        self.should_stop = should_stop

    def __bool__(self):
        return bool(self.anomalies or self.actions)

    def __repr__(self):
        return "StepReport(step=%r, anomalies=%r, actions=%r, should_stop=%r)" % (
            self.step, self.anomalies, self.actions, self.should_stop)


class TrainingMonitor:
    """Records a custom training loop for Runlens and finds anomalies as they happen.

    Args:
        alert_thresholds: ``{metric: limit}``; a number is an upper limit for metrics where lower is better (names with
            loss, error, perplexity, wer, cer, mse, mae, ece, brier) and a lower limit for the others; ``{"min": x}``,
            ``{"max": y}`` or both say it explicitly.
        dir: folder of ``runlens.jsonl``; default ``$RUNLENS_RUN_DIR``, else ".".
        server: a ``runlens serve`` URL (default ``$RUNLENS_SERVER``); the run is sent there too (``$RUNLENS_TOKEN`` as
            the bearer token) and its control document is read from there.
        run_name: the run's name (default: the folder's name).
        config: the run's hyperparameters (a dict; secrets are redacted as in the Trainer callback).
        model, optimizer, scheduler: what ``rollback`` and ``reduce_lr`` act on (torch objects); optional.
        load_checkpoint: ``path -> (loaded, description)`` for ``rollback`` when the model is not a torch module.
        control_path: the control document (default ``$RUNLENS_CONTROL``, else ``DIR/control.json``).
        poll_seconds: read the control document at most this often (0: at every step; default 2).
        spike_z: robust z-score (median and MAD of the metric's last ``spike_window`` values) above which a value is a
            spike; None turns spike detection off. Needs at least 8 earlier values.
        verbose: print each anomaly and action on stderr as it is found.
    """

    def __init__(self, alert_thresholds=None, dir=None, server=None, run_name=None, config=None, model=None,
                 optimizer=None, scheduler=None, load_checkpoint=None, control_path=None, poll_seconds=2.0,
                 spike_z=10.0, spike_window=50, verbose=True, max_steps=None, datasets=None):
        self.alert_thresholds = dict(alert_thresholds or {})
        for metric, limit in self.alert_thresholds.items():
            self._limits(metric, limit)  # refuses a bad threshold now, not at the first step
        self.spike_z = spike_z
        self.spike_window = int(spike_window)
        self.verbose = verbose
        self.metric_history = {}
        self.anomalies = []
        self.actions = []
        self._recorder = Recorder(dir=dir, server=server, run_name=run_name, control_path=control_path,
                                  poll_seconds=poll_seconds, load_checkpoint=load_checkpoint)
        self._args = LoopArgs(output_dir=dir, run_name=run_name, config=config)
        self._state = LoopState()
        self._state.max_steps = max_steps
        self._control = LoopControl()
        self._model = model
        self._optimizer = optimizer
        self._scheduler = scheduler
        self._datasets = datasets
        self._begun = False

    # ---- the loop's calls --------------------------------------------------------------------------------------------

    @property
    def path(self):
        """The ``runlens.jsonl`` being written (None before the first step)."""
        return self._recorder.path

    @property
    def run_id(self):
        """The run's id on the server (server mode), else None."""
        return self._recorder.run_id

    @property
    def should_stop(self):
        return bool(self._control.should_training_stop)

    def log_step(self, step, metrics, batch_info=None, epoch=None):
        """Records ``metrics`` at ``step``, applies new control actions and returns a ``StepReport``.

        ``batch_info`` (any JSON-able value) is attached to the anomalies' events in the log, to find the batch later.
        """
        self._begin()
        step = int(step)
        self._state.global_step = step
        if epoch is not None:
            self._state.epoch = epoch
        values = {}
        for k, v in (metrics or {}).items():
            n = _as_float(v)
            if n is not None:
                values[str(k)] = n
        found = self._detect(step, values)
        before = len(self._recorder.applied_actions)
        self._recorder.log(self._args, self._state, self._control, values, epoch=epoch)
        new_actions = [dict(a) for a in self._recorder.applied_actions[before:]]
        for anomaly in found:
            extra = {"anomaly": anomaly.as_dict()}
            if batch_info is not None:
                extra["batch"] = batch_info
            self._recorder._event("warning", anomaly.message, extra, step=step)
        self.anomalies.extend(found)
        self.actions.extend(new_actions)
        if self.verbose:
            for a in found:
                sys.stderr.write("runlens: step %d: %s\n" % (step, a.message))
            for a in new_actions:
                sys.stderr.write("runlens: step %d: control action %s %s: %s\n"
                                 % (step, a.get("id"), a.get("action"), a.get("reason") or ""))
        return StepReport(step, found, new_actions, list(self.anomalies), list(self.actions), self.should_stop)

    def checkpoint(self, path, step=None, metric=None, best=False):
        """Records a checkpoint the loop saved; ``best=True`` makes it the one ``rollback`` loads by default."""
        self._begin()
        if step is not None:
            self._state.global_step = int(step)
        if best:
            self._state.best_model_checkpoint = path
            self._state.best_metric = metric
        self._recorder.checkpoint(self._args, self._state, path)

    def finish(self, status="finished"):
        """Ends the run (``finished``, ``failed`` or ``killed``): the final state and status are written and sent."""
        self._begin()
        self._recorder.end(self._args, self._state, self._control, status)
        self._recorder.close()

    def record_exception(self, exc, status="failed"):
        """Records an exception (type, message, last frame) as an error event and the run as failed."""
        self._begin()
        self._recorder.record_exception(exc, status=status)
        self._recorder.close()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc is None:
            self.finish()
        elif isinstance(exc, KeyboardInterrupt):
            self.record_exception(exc, status="killed")
        else:
            self.record_exception(exc)
        return False

    # ---- internals ---------------------------------------------------------------------------------------------------

    def _begin(self):
        if self._begun:
            return
        self._begun = True
        self._recorder.begin(self._args, self._state, model=self._model, optimizer=self._optimizer,
                             scheduler=self._scheduler, datasets=self._datasets)

    @staticmethod
    def _limits(metric, limit):
        if isinstance(limit, dict):
            unknown = set(limit) - {"min", "max"}
            if unknown or not limit:
                raise ValueError("alert_thresholds[%r]: expected {'min': x} and/or {'max': y}, got %r" % (metric, limit))
            low, high = _as_float(limit.get("min")), _as_float(limit.get("max"))
            if ("min" in limit and low is None) or ("max" in limit and high is None):
                raise ValueError("alert_thresholds[%r]: limits must be numbers, got %r" % (metric, limit))
            return low, high
        value = _as_float(limit)
        if value is None or not math.isfinite(value):
            raise ValueError("alert_thresholds[%r]: a limit must be a finite number or {'min'/'max': x}, got %r"
                             % (metric, limit))
        return (None, value) if _lower_is_better(metric) else (value, None)

    def _detect(self, step, values):
        found = []
        for metric, value in values.items():
            history = self.metric_history.setdefault(metric, [])
            if not math.isfinite(value):
                found.append(Anomaly(step, metric, value, "non_finite", None,
                                     "%s is %s at step %d: the loss or a metric is no longer a number; check the "
                                     "learning rate, the data and the loss for a division by zero or a log of 0"
                                     % (metric, _shown(value), step)))
                history.append(value)
                continue
            if metric in self.alert_thresholds:
                low, high = self._limits(metric, self.alert_thresholds[metric])
                if low is not None and value < low:
                    found.append(Anomaly(step, metric, value, "threshold", low, "%s is %.6g at step %d, below its "
                                         "alert threshold %.6g" % (metric, value, step, low)))
                if high is not None and value > high:
                    found.append(Anomaly(step, metric, value, "threshold", high, "%s is %.6g at step %d, above its "
                                         "alert threshold %.6g" % (metric, value, step, high)))
            recent = [v for v in history[-self.spike_window:] if math.isfinite(v)]
            if self.spike_z is not None and len(recent) >= 8:
                median = _median(recent)
                mad = _median([abs(v - median) for v in recent])
                scale = 1.4826 * mad
                if scale > 0:
                    z = (value - median) / scale
                    if abs(z) > self.spike_z:
                        found.append(Anomaly(step, metric, value, "spike", self.spike_z,
                                             "%s jumped to %.6g at step %d (median of the last %d values %.6g, robust "
                                             "z-score %.1f, limit %g): a spike of this size usually means a bad batch "
                                             "or a learning rate too high" % (metric, value, step, len(recent), median,
                                                                            z, self.spike_z)))
            history.append(value)
        return found


def _median(values):
    s = sorted(values)
    n = len(s)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2.0


def _shown(value):
    return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")

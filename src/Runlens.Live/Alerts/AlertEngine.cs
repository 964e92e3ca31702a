using System.Globalization;
using Runlens.Analysis;
using Runlens.Analysis.Diagnoses;
using Runlens.Analysis.Findings;
using Runlens.Analysis.Rules;
using Runlens.Live.Control;
using Runlens.Model;

namespace Runlens.Live.Alerts;

/// <summary>
/// Decides, after each re-diagnosis of one growing run, which alerts to send and which control actions to take, and hands
/// the alerts to the sinks. One engine per watched run; it keeps the de-duplication state between calls. Calls must not
/// overlap (the watcher awaits each one).
/// <para><b>Findings</b> alert when <see cref="AlertConfig.Rules"/> lets them through. A finding's identity is its rule id
/// and the series it is about (<c>finding:RL0101:train/loss,val/loss</c>; a second finding of the same rule on the same
/// series gets <c>#2</c>), never its title, whose numbers change as the run grows. A finding alerts once while it persists;
/// after it disappears it alerts again when it comes back, but not within <see cref="AlertConfig.Cooldown"/> of its last
/// alert (if it is still there when the cool-down ends, it alerts then). A finding whose severity rises above the severity it
/// alerted with alerts again at once.</para>
/// <para><b>Thresholds and z-scores</b> look only at points that arrived since the last call (plus, the first time a series
/// is seen, its newest point: older points are history and only feed the best value and the z-score window), so a call costs
/// O(new points) however long the run. They alert when a new point crosses, and again on a later crossing once the cool-down
/// has passed. <b>Stalled</b> alerts when <c>running</c> and no point arrived for <see cref="AlertConfig.StalledAfter"/>, and
/// again every cool-down while it stays stalled.</para>
/// <para><b>Actions</b>: for each finding matched by an <see cref="ActionRule"/>, one control action per (rule id, verb) per
/// run, never repeated, at most one of each verb per call. Ids come from the engine's <see cref="Control"/> document,
/// which starts from the document given to the constructor (the run's existing <c>control.json</c>, whose actions also count
/// as already taken) and grows with each action; the caller writes it out and records the events. A rollback needs the best
/// checkpoint's path: without one it is not decided (a warning says why) and may be decided later.</para>
/// </summary>
public sealed class AlertEngine
{
    private readonly Lock _gate = new();
    private readonly IReadOnlyList<IAlertSink> _sinks;
    private readonly Dictionary<string, FindingState> _findings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _lastAlert = new(StringComparer.Ordinal);
    private readonly SeriesCursor[] _thresholdCursors;
    private readonly ZScoreCursor[] _zCursors;
    private readonly HashSet<(string Rule, ControlVerb Verb)> _actionsTaken = [];
    private readonly HashSet<string> _warnedOnce = new(StringComparer.Ordinal);
    private long _observedPoints = -1;
    private DateTimeOffset _observedChangeAt;

    /// <param name="config">What to alert on and which actions to take.</param>
    /// <param name="sinks">Where alerts go (see <see cref="AlertConfig.CreateSinks"/>).</param>
    /// <param name="control">The run's control document so far (null: an empty one, named after the run at the first
    /// evaluation); action ids continue from it, and the (rule, verb) pairs already in it are never decided again.</param>
    public AlertEngine(AlertConfig config, IEnumerable<IAlertSink> sinks, ControlDocument? control = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(sinks);
        Config = config;
        _sinks = [.. sinks];
        _thresholdCursors = [.. config.Thresholds.Select(_ => new SeriesCursor())];
        _zCursors = [.. config.ZScores.Select(z => new ZScoreCursor(z.Window))];
        Control = control ?? ControlDocument.Empty("");
        Adopt(Control);
    }

    public AlertConfig Config { get; }

    public IReadOnlyList<IAlertSink> Sinks => _sinks;

    /// <summary>Every control action so far, the constructor's document plus the actions this engine decided.</summary>
    public ControlDocument Control { get; private set; }

    /// <summary>Replaces <see cref="Control"/> with a newer document (one where someone else, e.g. a person through the API,
    /// appended actions), so new ids do not collide; its (rule, verb) pairs count as taken.</summary>
    public void Adopt(ControlDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        lock (_gate)
        {
            Control = document;
            foreach (var a in document.Actions)
            {
                if (a.RuleId is not null)
                {
                    _actionsTaken.Add((a.RuleId, a.Action));
                }
            }
        }
    }

    /// <summary>Evaluates one diagnosis of the run and sends the alerts it raises.</summary>
    /// <param name="diagnosis">The latest diagnosis; its <see cref="Diagnosis.Run"/> supplies the series.</param>
    /// <param name="now">The current time (the engine reads no clock, so tests and replays control it).</param>
    /// <param name="lastPointAt">When the newest point arrived, if the caller knows; otherwise the newest wall time in the
    /// run's series, or else the time the engine last saw the number of points change.</param>
    /// <param name="running">Whether the run is still going (stalled alerts only apply then).</param>
    /// <param name="cancellationToken">Cancels the deliveries in progress.</param>
    public async Task<AlertEvaluation> EvaluateAsync(Diagnosis diagnosis, DateTimeOffset now, DateTimeOffset? lastPointAt, bool running,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(diagnosis);
        List<Alert> alerts = [];
        List<ControlAction> actions = [];
        List<string> warnings = [];
        ControlDocument control;
        lock (_gate)
        {
            var run = diagnosis.Run;
            if (Control.Run.Length == 0)
            {
                Control = Control with { Run = run.Identity.Id };
            }

            var lastStep = run.LastStep;
            FindingAlerts(diagnosis, now, alerts);
            ThresholdAlerts(diagnosis, now, alerts);
            ZScoreAlerts(run, now, alerts);
            StalledAlert(run, now, lastPointAt, running, lastStep, alerts);
            DecideActions(diagnosis, now, lastStep, actions, warnings);
            control = Control;
            for (var i = 0; i < alerts.Count; i++)
            {
                alerts[i] = alerts[i] with { RunId = run.Identity.Id, RunName = run.Identity.Name, Time = now };
            }
        }

        if (alerts.Count > 0 && _sinks.Count > 0)
        {
            var failures = await Task.WhenAll(_sinks.Select(s => DeliverAsync(s, alerts, cancellationToken))).ConfigureAwait(false);
            warnings.AddRange(failures.SelectMany(f => f));
        }

        return new AlertEvaluation(alerts, actions, control, warnings);
    }

    // ---- findings ----

    private void FindingAlerts(Diagnosis diagnosis, DateTimeOffset now, List<Alert> alerts)
    {
        var present = new HashSet<string>(StringComparer.Ordinal);
        var repeats = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var f in diagnosis.Findings)
        {
            var key = FindingKey(f);
            var n = repeats[key] = repeats.GetValueOrDefault(key) + 1;
            if (n > 1)
            {
                key += "#" + n.ToString(CultureInfo.InvariantCulture);
            }

            present.Add(key);
            if (!_findings.TryGetValue(key, out var state))
            {
                _findings[key] = state = new FindingState();
            }

            if (!state.Present)
            {
                state.Present = true;
                state.AlertedSinceAppeared = false;
            }

            if (MinSeverity(f.RuleId) is not { } min || f.Severity < min)
            {
                continue;
            }

            var escalated = state.AlertedSinceAppeared && f.Severity > state.AlertedSeverity;
            var due = !state.AlertedSinceAppeared && (state.LastAlertAt is not { } last || now - last >= Config.Cooldown);
            if (!due && !escalated)
            {
                continue;
            }

            state.AlertedSinceAppeared = true;
            state.AlertedSeverity = f.Severity;
            state.LastAlertAt = now;
            var descriptor = RuleCatalog.Find(f.RuleId)?.Descriptor;
            alerts.Add(new Alert(key, AlertKinds.Finding, f.Severity, f.Title, f.RootCause ?? descriptor?.Title ?? f.Rule, f.RuleId,
                f.Steps.IsDefaultOrEmpty ? null : f.Steps[0], f.SeriesKeys.IsEmpty ? null : f.SeriesKeys[0], null)
            {
                Rule = f.Rule,
                Recommendation = f.Recommendations.IsDefaultOrEmpty ? null : f.Recommendations[0].Action,
            });
        }

        foreach (var (key, state) in _findings)
        {
            if (!present.Contains(key))
            {
                state.Present = false;
            }
        }
    }

    /// <summary>The de-duplication identity of a finding: <c>finding:RULE-ID[:SERIES,…]</c> with the series in ordinal order.</summary>
    public static string FindingKey(Finding finding)
    {
        ArgumentNullException.ThrowIfNull(finding);
        return "finding:" + Watch.FindingKey.Of(finding);
    }

    /// <summary>The most specific filter wins: an entry naming the rule (the last such) over the wildcard.</summary>
    private Severity? MinSeverity(string ruleId)
    {
        AlertRuleFilter? wildcard = null, specific = null;
        foreach (var r in Config.Rules)
        {
            if (r.IsWildcard)
            {
                wildcard = r;
            }
            else if (string.Equals(r.Rule, ruleId, StringComparison.OrdinalIgnoreCase))
            {
                specific = r;
            }
        }

        return (specific ?? wildcard)?.MinSeverity;
    }

    // ---- thresholds ----

    private void ThresholdAlerts(Diagnosis diagnosis, DateTimeOffset now, List<Alert> alerts)
    {
        var run = diagnosis.Run;
        for (var t = 0; t < Config.Thresholds.Length; t++)
        {
            var rule = Config.Thresholds[t];
            var cursor = _thresholdCursors[t];
            if (Resolve(run, rule.Metric) is not { } series)
            {
                continue;
            }

            var from = cursor.Advance(series);
            if (cursor.Fresh)
            {
                cursor.LowerIsBetter = rule.Direction switch
                {
                    MetricDirection.LowerIsBetter => true,
                    MetricDirection.HigherIsBetter => false,
                    _ => diagnosis.Summary.PrimaryMetric == series.Key ? !diagnosis.Summary.GreaterIsBetter : MetricNames.IsLoss(series.Key),
                };
                cursor.Best = double.NaN;
                for (var i = 0; i < from; i++)
                {
                    cursor.Offer(series.Points[i].Value);
                }
            }

            SeriesPoint? above = null, below = null, rise = null;
            var riseBest = double.NaN;
            for (var i = from; i < series.Count; i++)
            {
                var p = series.Points[i];
                var nan = double.IsNaN(p.Value);
                if (rule.Above is { } a && above is null && (nan || p.Value > a))
                {
                    above = p;
                }

                if (rule.Below is { } b && below is null && (nan || p.Value < b))
                {
                    below = p;
                }

                if (rule.RisePercent is { } r && rise is null && (nan || cursor.Worse(p.Value, r)))
                {
                    rise = p;
                    riseBest = cursor.Best;
                }

                cursor.Offer(p.Value);
            }

            cursor.Seen = series.Count;
            var name = series.Key;
            if (above is { } pa)
            {
                Raise(alerts, now, new Alert($"threshold:{rule.Metric}:above", AlertKinds.Threshold, rule.Severity,
                    $"{name} is above {Format.Number(rule.Above!.Value)}",
                    $"{name} = {Format.Number(pa.Value)} at step {Format.Step(pa.Step)}, above the limit {Format.Number(rule.Above.Value)}.",
                    null, pa.Step, name, pa.Value) { Recommendation = LimitAdvice(name) });
            }

            if (below is { } pb)
            {
                Raise(alerts, now, new Alert($"threshold:{rule.Metric}:below", AlertKinds.Threshold, rule.Severity,
                    $"{name} is below {Format.Number(rule.Below!.Value)}",
                    $"{name} = {Format.Number(pb.Value)} at step {Format.Step(pb.Step)}, below the limit {Format.Number(rule.Below.Value)}.",
                    null, pb.Step, name, pb.Value) { Recommendation = LimitAdvice(name) });
            }

            if (rise is { } pr)
            {
                var percent = cursor.PercentWorse(pr.Value, riseBest);
                var how = double.IsNaN(pr.Value) ? "not a number" : $"{Format.Number(percent)}% worse than";
                Raise(alerts, now, new Alert($"threshold:{rule.Metric}:rise_percent", AlertKinds.Threshold, rule.Severity,
                    $"{name} is more than {Format.Number(rule.RisePercent!.Value)}% worse than its best",
                    $"{name} = {Format.Number(pr.Value)} at step {Format.Step(pr.Step)} is {how} its best so far, {Format.Number(riseBest)} "
                    + $"({(cursor.LowerIsBetter ? "lower" : "higher")} is better; limit {Format.Number(rule.RisePercent.Value)}%).",
                    null, pr.Step, name, pr.Value)
                {
                    Recommendation = "Compare with the best checkpoint: if it does not recover, stop or roll back to the best checkpoint.",
                });
            }
        }
    }

    private static string LimitAdvice(string key) => MetricNames.IsLossName(key)
        ? "Look at the learning rate and the data of the last steps; lower the learning rate or roll back if the loss does not come down."
        : "Check the run: the value left the range set in the alert config.";

    // ---- z-scores ----

    private void ZScoreAlerts(Run run, DateTimeOffset now, List<Alert> alerts)
    {
        for (var z = 0; z < Config.ZScores.Length; z++)
        {
            var rule = Config.ZScores[z];
            var cursor = _zCursors[z];
            if (Resolve(run, rule.Metric) is not { } series)
            {
                continue;
            }

            var from = cursor.Advance(series);
            if (cursor.Fresh)
            {
                cursor.Window.Clear();
                // Seed the window with the last `Window` finite points before the ones to check.
                var start = from;
                for (var found = 0; start > 0 && found < rule.Window; start--)
                {
                    if (double.IsFinite(series.Points[start - 1].Value))
                    {
                        found++;
                    }
                }

                for (var i = start; i < from; i++)
                {
                    if (double.IsFinite(series.Points[i].Value))
                    {
                        cursor.Window.Push(series.Points[i].Value);
                    }
                }
            }

            SeriesPoint? hit = null;
            double hitZ = 0, hitMean = 0, hitStd = 0;
            for (var i = from; i < series.Count; i++)
            {
                var v = series.Points[i].Value;
                if (!double.IsFinite(v))
                {
                    continue;
                }

                var w = cursor.Window;
                if (hit is null && w.Count >= rule.MinPoints)
                {
                    var mean = w.Mean;
                    var std = w.Std;
                    var score = std > 0 ? (v - mean) / std : v == mean ? 0 : v > mean ? double.PositiveInfinity : double.NegativeInfinity;
                    if (Math.Abs(score) >= rule.Z)
                    {
                        hit = series.Points[i];
                        (hitZ, hitMean, hitStd) = (score, mean, std);
                    }
                }

                w.Push(v);
            }

            cursor.Seen = series.Count;
            if (hit is { } p)
            {
                Raise(alerts, now, new Alert($"zscore:{rule.Metric}", AlertKinds.ZScore, rule.Severity,
                    $"{series.Key} outlier: z = {Format.Number(hitZ)} at step {Format.Step(p.Step)}",
                    $"{series.Key} = {Format.Number(p.Value)} at step {Format.Step(p.Step)} is {Format.Number(Math.Abs(hitZ))} standard deviations "
                    + $"{(hitZ > 0 ? "above" : "below")} the mean of the previous points ({Format.Number(hitMean)} ± {Format.Number(hitStd)}; limit z = {Format.Number(rule.Z)}).",
                    null, p.Step, series.Key, p.Value)
                {
                    Recommendation = series.Key == MetricNames.GradNorm
                        ? "A gradient-norm jump often comes before a loss spike: clip gradients (max_grad_norm) or lower the learning rate."
                        : "Look at the batches around that step: a bad batch, a learning-rate change or a logging bug.",
                });
            }
        }
    }

    // ---- stalled ----

    private void StalledAlert(Run run, DateTimeOffset now, DateTimeOffset? lastPointAt, bool running, long? lastStep, List<Alert> alerts)
    {
        long points = 0;
        var wall = double.NaN;
        foreach (var s in run.Series.Values)
        {
            points += s.Count;
            if (s.Count > 0 && double.IsFinite(s.Last.WallTime) && !(s.Last.WallTime <= wall))
            {
                wall = s.Last.WallTime;
            }
        }

        if (points != _observedPoints)
        {
            _observedPoints = points;
            _observedChangeAt = now;
        }

        if (Config.StalledAfter is not { } limit || !running)
        {
            return;
        }

        var last = lastPointAt
            ?? (double.IsFinite(wall) ? DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(wall * 1000)) : _observedChangeAt);
        var quiet = now - last;
        if (quiet < limit)
        {
            return;
        }

        Raise(alerts, now, new Alert("stalled", AlertKinds.Stalled, Severity.Warning,
            $"No new points for {Minutes(quiet)}",
            $"The run is still running but logged nothing since {last.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC"
            + (lastStep is { } step ? $" (last step {Format.Step(step)})" : "") + $"; the limit is {Minutes(limit)}.",
            null, lastStep, null, null)
        {
            Recommendation = "Check that the trainer is alive: a hang in data loading or a collective (NCCL) wait, a full disk, or a process that died without exiting.",
        });
    }

    private static string Minutes(TimeSpan t) => t.TotalMinutes >= 1
        ? Format.Number(Math.Round(t.TotalMinutes, 1)) + " min"
        : Format.Number(Math.Round(t.TotalSeconds)) + " s";

    /// <summary>Adds a threshold, z-score or stalled alert unless the same key alerted within the cool-down.</summary>
    private void Raise(List<Alert> alerts, DateTimeOffset now, Alert alert)
    {
        if (_lastAlert.TryGetValue(alert.Key, out var last) && now - last < Config.Cooldown)
        {
            return;
        }

        _lastAlert[alert.Key] = now;
        alerts.Add(alert);
    }

    // ---- actions ----

    private void DecideActions(Diagnosis diagnosis, DateTimeOffset now, long? lastStep, List<ControlAction> actions, List<string> warnings)
    {
        if (Config.Actions.IsEmpty)
        {
            return;
        }

        var verbsNow = new HashSet<ControlVerb>();
        foreach (var f in diagnosis.Findings)
        {
            foreach (var rule in Config.Actions)
            {
                if ((!rule.IsWildcard && !string.Equals(rule.Rule, f.RuleId, StringComparison.OrdinalIgnoreCase)) || f.Severity < rule.MinSeverity
                    || _actionsTaken.Contains((f.RuleId, rule.Do)) || verbsNow.Contains(rule.Do))
                {
                    continue;
                }

                string? checkpoint = null;
                var what = "";
                switch (rule.Do)
                {
                    case ControlVerb.Stop:
                        what = "Stop the run.";
                        break;
                    case ControlVerb.ReduceLr:
                        what = $"Multiply the learning rate by {Format.Number(rule.Factor!.Value)}.";
                        break;
                    case ControlVerb.Rollback:
                        if (BestCheckpoint(diagnosis, f) is not { } best)
                        {
                            if (_warnedOnce.Add("rollback:" + f.RuleId))
                            {
                                warnings.Add($"{f.Rule} ({f.RuleId}) asks for a rollback, but no best checkpoint is known yet; no rollback was written.");
                            }

                            continue;
                        }

                        checkpoint = best.Path;
                        what = $"Roll back to {best.Description}.";
                        break;
                }

                var action = new ControlAction(Control.NextId(), rule.Do, $"{f.Rule} ({f.RuleId}): {f.Title}. {what}", now, f.RuleId, f.Title,
                    lastStep, rule.Do == ControlVerb.ReduceLr ? rule.Factor : null, checkpoint);
                Control = Control.With(action);
                _actionsTaken.Add((f.RuleId, rule.Do));
                verbsNow.Add(rule.Do);
                actions.Add(action);
            }
        }
    }

    /// <summary>The best checkpoint: the one the finding names, the trainer's recorded best, the one saved at the primary
    /// metric's best step, or the last one saved before it.</summary>
    private static (string Path, string Description)? BestCheckpoint(Diagnosis diagnosis, Finding finding)
    {
        var run = diagnosis.Run;
        if (finding.Evidence is Analysis.Rules.LearningDynamics.PastBestCheckpointEvidence { BestCheckpoint: { Length: > 0 } named })
        {
            return (named, $"the best checkpoint {named}");
        }

        if (run.Trainer.BestCheckpoint is { Length: > 0 } recorded)
        {
            return (recorded, $"the best checkpoint {recorded}");
        }

        if (diagnosis.Summary.Best is { } best)
        {
            if (Checkpoints.At(run, best.Step) is { } at)
            {
                return (at, $"the best checkpoint {at} (step {Format.Step(best.Step)})");
            }

            if (Checkpoints.AtOrBefore(run, best.Step) is { Path: { Length: > 0 } path } before)
            {
                return (path, $"{path}, the last checkpoint at or before the best step {Format.Step(best.Step)} (saved at step {Format.Step(before.Step)})");
            }
        }

        return null;
    }

    // ---- helpers ----

    /// <summary>The series a config names: a key, a name that normalises to a key (<c>eval/loss</c>), or a logged name.</summary>
    internal static Series? Resolve(Run run, string metric)
    {
        if (run.Series.TryGetValue(metric, out var s) || run.Series.TryGetValue(MetricNames.Normalize(metric), out s))
        {
            return s;
        }

        foreach (var candidate in run.Series.Values)
        {
            if (string.Equals(candidate.OriginalName, metric, StringComparison.Ordinal))
            {
                return candidate;
            }
        }

        return null;
    }

    private static async Task<List<string>> DeliverAsync(IAlertSink sink, List<Alert> alerts, CancellationToken cancellationToken)
    {
        List<string> failures = [];
        foreach (var alert in alerts)
        {
            try
            {
                await sink.SendAsync(alert, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
#pragma warning disable CA1031 // a failing sink must never break the watcher or the other sinks: it becomes a warning
            catch (Exception ex)
#pragma warning restore CA1031
            {
                failures.Add($"alert '{alert.Key}' not delivered to {sink.Name}: {ex.Message}");
            }
        }

        return failures;
    }

    private sealed class FindingState
    {
        public bool Present { get; set; }

        public bool AlertedSinceAppeared { get; set; }

        public Severity AlertedSeverity { get; set; }

        public DateTimeOffset? LastAlertAt { get; set; }
    }

    /// <summary>How far into one series the engine has read.</summary>
    private class SeriesCursor
    {
        public string? Key { get; private set; }

        public int Seen { get; set; }

        /// <summary>True when <see cref="Advance"/> started over (first sight, another series, or the series shrank).</summary>
        public bool Fresh { get; private set; }

        public bool LowerIsBetter { get; set; }

        /// <summary>Best finite value so far, NaN when none.</summary>
        public double Best { get; set; } = double.NaN;

        /// <summary>The index of the first point to check: the newest point on first sight, else the first unseen one.</summary>
        public int Advance(Series series)
        {
            Fresh = Key != series.Key || series.Count < Seen;
            if (Fresh)
            {
                Key = series.Key;
                Seen = 0;
                return Math.Max(0, series.Count - 1);
            }

            return Seen;
        }

        public void Offer(double value)
        {
            if (double.IsFinite(value) && (double.IsNaN(Best) || (LowerIsBetter ? value < Best : value > Best)))
            {
                Best = value;
            }
        }

        public bool Worse(double value, double percent) =>
            !double.IsNaN(Best) && (LowerIsBetter ? value > Best + Math.Abs(Best) * percent / 100 : value < Best - Math.Abs(Best) * percent / 100);

        public double PercentWorse(double value, double best) =>
            (LowerIsBetter ? value - best : best - value) / Math.Abs(best) * 100;
    }

    private sealed class ZScoreCursor(int window) : SeriesCursor
    {
        public RollingWindow Window { get; } = new(window);
    }
}

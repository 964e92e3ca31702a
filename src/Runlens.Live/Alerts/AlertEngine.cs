using Runlens.Analysis.Diagnoses;
using Runlens.Analysis.Findings;
using Runlens.Live.Alerts.Delivery;
using Runlens.Live.Alerts.Detectors;
using Runlens.Live.Alerts.Policy;
using Runlens.Live.Control;

namespace Runlens.Live.Alerts;

/// <summary>
/// Decides, after each re-diagnosis of one growing run, which alerts to send and which control actions to take, and hands
/// the alerts to the sinks. One engine per watched run; it keeps its memory between calls. Calls must not overlap (the
/// watcher awaits each one). Three parts, each its own class:
/// <list type="bullet">
/// <item><b>Detectors</b> (<see cref="IAlertDetector"/>) say what holds in this look: findings the config's rules let through
/// (<see cref="FindingDetector"/>), limits crossed by new points (<see cref="ThresholdDetector"/>), outliers among new points
/// (<see cref="ZScoreDetector"/>), a quiet run (<see cref="StalledDetector"/>). They read only the points that arrived since the
/// previous call, so a call costs O(new points) however long the run.</item>
/// <item><b>Policy</b>: the <see cref="AlertGate"/> de-duplicates and applies the cool-down (a finding alerts once while it
/// persists, again when it comes back after the cool-down or rises in severity; a threshold, z-score or stalled alert at most
/// once per cool-down); the <see cref="ActionPolicy"/> decides control actions from findings, once per (rule, verb) per run.</item>
/// <item><b>Delivery</b> (<see cref="AlertDelivery"/>) hands the alerts to every sink in parallel; a failing sink becomes a
/// warning.</item>
/// </list>
/// </summary>
public sealed class AlertEngine
{
    private readonly Lock _gate = new();
    private readonly IReadOnlyList<IAlertSink> _sinks;
    private readonly IAlertDetector[] _detectors;
    private readonly AlertGate _alertGate;
    private readonly ActionPolicy _actions;
    private readonly List<AlertCandidate> _candidates = [];

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
        _detectors =
        [
            new FindingDetector(config.Rules),
            .. config.Thresholds.Select(t => new ThresholdDetector(t)),
            .. config.ZScores.Select(z => new ZScoreDetector(z)),
            .. config.StalledAfter is { } limit ? [new StalledDetector(limit)] : Array.Empty<IAlertDetector>(),
        ];
        _alertGate = new AlertGate(config.Cooldown);
        _actions = new ActionPolicy(config.Actions, control ?? ControlDocument.Empty(""));
    }

    public AlertConfig Config { get; }

    public IReadOnlyList<IAlertSink> Sinks => _sinks;

    /// <summary>Every control action so far, the constructor's document plus the actions this engine decided.</summary>
    public ControlDocument Control
    {
        get
        {
            lock (_gate)
            {
                return _actions.Control;
            }
        }
    }

    /// <summary>Replaces <see cref="Control"/> with a newer document (one where someone else, e.g. a person through the API,
    /// appended actions), so new ids do not collide; its (rule, verb) pairs count as taken.</summary>
    public void Adopt(ControlDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        lock (_gate)
        {
            _actions.Adopt(document);
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
        ActionDecision decision;
        lock (_gate)
        {
            var input = new DetectorInput(diagnosis, now, lastPointAt, running);
            _candidates.Clear();
            foreach (var detector in _detectors)
            {
                detector.Detect(input, _candidates);
            }

            var identity = diagnosis.Run.Identity;
            foreach (var c in _alertGate.Admit(_candidates, now))
            {
                alerts.Add(c.ToAlert() with
                {
                    RunId = identity.Id,
                    RunName = identity.Name,
                    Time = now,
                    EvidenceLines = c.Finding is { } f ? FindingEvidence.Lines(f) : [],
                });
            }

            _candidates.Clear(); // keep no findings or alerts of this look alive until the next one
            decision = _actions.Decide(diagnosis, now);
        }

        var failures = await AlertDelivery.DeliverAsync(_sinks, alerts, cancellationToken).ConfigureAwait(false);
        return new AlertEvaluation(alerts, decision.Actions, decision.Control,
            failures.Count == 0 ? decision.Warnings : [.. decision.Warnings, .. failures]);
    }

    /// <summary>The de-duplication identity of a finding: <c>finding:RULE-ID[:SERIES,…]</c> with the series in ordinal order.</summary>
    public static string FindingKey(Finding finding)
    {
        ArgumentNullException.ThrowIfNull(finding);
        return FindingDetector.Key(finding);
    }
}

using Runlens.Analysis.Findings;
using Runlens.Analysis.Rules;

namespace Runlens.Live.Alerts.Detectors;

/// <summary>
/// What a detector reports: an alert it would send. A threshold, z-score or stalled candidate carries its alert; a finding
/// candidate carries the finding, and its alert is built only if the gate lets it through (a finding that persists is a
/// candidate in every look). A small value, so that the findings of every look cost no allocation.
/// </summary>
internal readonly struct AlertCandidate
{
    private readonly Alert? _alert;

    private AlertCandidate(string key, string kind, Severity severity, Alert? alert, Finding? finding, bool muted)
    {
        Key = key;
        Kind = kind;
        Severity = severity;
        _alert = alert;
        Finding = finding;
        Muted = muted;
    }

    /// <summary>The de-duplication identity (<see cref="Alert.Key"/>).</summary>
    public string Key { get; }

    /// <summary>One of <see cref="AlertKinds"/>.</summary>
    public string Kind { get; }

    public Severity Severity { get; }

    /// <summary>The finding of a <see cref="AlertKinds.Finding"/> candidate.</summary>
    public Finding? Finding { get; }

    /// <summary>A finding the alert config's <c>rules</c> do not let through: it still counts as present (so it is not
    /// "new" when it later rises to a severity that alerts) but it is never sent.</summary>
    public bool Muted { get; }

    /// <summary>A threshold, z-score or stalled alert.</summary>
    public static AlertCandidate Of(Alert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return new(alert.Key, alert.Kind, alert.Severity, alert, null, muted: false);
    }

    /// <summary>A finding present in this look, under its alert key.</summary>
    public static AlertCandidate Of(string key, Finding finding, bool muted)
    {
        ArgumentNullException.ThrowIfNull(finding);
        return new(key, AlertKinds.Finding, finding.Severity, null, finding, muted);
    }

    /// <summary>The alert to send (without the run, time and evidence, which the engine adds).</summary>
    public Alert ToAlert()
    {
        if (_alert is not null)
        {
            return _alert;
        }

        var f = Finding!;
        var descriptor = RuleCatalog.Find(f.RuleId)?.Descriptor;
        return new Alert(Key, AlertKinds.Finding, f.Severity, f.Title, f.RootCause ?? descriptor?.Title ?? f.Rule, f.RuleId,
            f.Steps.IsDefaultOrEmpty ? null : f.Steps[0], f.SeriesKeys.IsEmpty ? null : f.SeriesKeys[0], null)
        {
            Rule = f.Rule,
            Recommendation = f.Recommendations.IsDefaultOrEmpty ? null : f.Recommendations[0].Action,
        };
    }
}

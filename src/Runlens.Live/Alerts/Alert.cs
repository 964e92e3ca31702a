using Runlens.Analysis.Findings;
using Runlens.Live.Control;

namespace Runlens.Live.Alerts;

/// <summary>One alert, as the sinks receive it.</summary>
/// <param name="Key">Its de-duplication identity: <c>finding:RL0101:train/loss,val/loss</c>, <c>threshold:train/loss:above</c>,
/// <c>zscore:train/grad_norm</c>, <c>stalled</c> (see <see cref="AlertEngine"/>).</param>
/// <param name="Kind">One of <see cref="AlertKinds"/>: <c>finding</c>, <c>threshold</c>, <c>zscore</c>, <c>stalled</c>.</param>
/// <param name="Severity">info, warning or error.</param>
/// <param name="Title">One line: the finding's title, or what crossed which limit.</param>
/// <param name="Message">A sentence or two: why it matters or the numbers behind it.</param>
/// <param name="RuleId">The rule of a finding alert (<c>RL0101</c>), else null.</param>
/// <param name="Step">The step concerned (the crossing point, the finding's first step, the last step seen).</param>
/// <param name="Metric">The series key of a threshold or z-score alert.</param>
/// <param name="Value">The value that crossed the limit.</param>
public sealed record Alert(
    string Key,
    string Kind,
    Severity Severity,
    string Title,
    string Message,
    string? RuleId,
    long? Step,
    string? Metric,
    double? Value)
{
    /// <summary>The rule's slug (<c>overfitting</c>) of a finding alert.</summary>
    public string? Rule { get; init; }

    /// <summary>What to do: the finding's first recommendation, or a suggestion for the other kinds.</summary>
    public string? Recommendation { get; init; }

    public string RunId { get; init; } = "";

    public string RunName { get; init; } = "";

    /// <summary>When the engine raised it (the <c>now</c> it was given).</summary>
    public DateTimeOffset Time { get; init; }
}

/// <summary>The values of <see cref="Alert.Kind"/>.</summary>
public static class AlertKinds
{
    public const string Finding = "finding";
    public const string Threshold = "threshold";
    public const string ZScore = "zscore";
    public const string Stalled = "stalled";
}

/// <summary>What one <see cref="AlertEngine.EvaluateAsync"/> call did.</summary>
/// <param name="Alerts">The alerts raised and handed to the sinks, in order (findings, thresholds, z-scores, stalled).</param>
/// <param name="Actions">Control actions decided by this call (already appended to <paramref name="Control"/>).</param>
/// <param name="Control">The control document with every action so far; write it to <c>control.json</c> when
/// <paramref name="Actions"/> is not empty.</param>
/// <param name="Warnings">Readable lines for sinks that failed after their retries, and actions that could not be decided
/// (a rollback with no checkpoint known). Never thrown.</param>
public sealed record AlertEvaluation(
    IReadOnlyList<Alert> Alerts,
    IReadOnlyList<ControlAction> Actions,
    ControlDocument Control,
    IReadOnlyList<string> Warnings);

using System.Collections.Immutable;
using Runlens.Analysis.Findings;

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

    /// <summary>A finding alert's evidence as readable <c>label: value</c> lines, as the reports show it (the e-mail body
    /// lists them); empty for the other kinds, whose numbers are in <see cref="Message"/>.</summary>
    public ImmutableArray<string> EvidenceLines { get; init; } = [];
}

using System.Collections.Immutable;
using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Diagnoses;

/// <summary>
/// Several findings explained by one cause (a run trained past its best shows overfitting, a past-best checkpoint and a
/// missed early stop), ranked so that the first is the one thing to fix first.
/// </summary>
/// <param name="Id">Stable id: <c>trained-past-best</c>, <c>unstable-optimisation</c>, <c>not-learning-enough</c>,
/// <c>run-failed</c>, <c>broken-values</c>, <c>judged-by-the-wrong-metric</c>, <c>sudden-change</c>.</param>
/// <param name="Title">The cause in a few words.</param>
/// <param name="Severity">The most severe of its findings.</param>
/// <param name="Explanation">The leading finding's explanation.</param>
/// <param name="Rules">Slugs of the findings it explains, most important first.</param>
/// <param name="FixFirst">The leading finding's first recommendation.</param>
public sealed record RootCause(string Id, string Title, Severity Severity, string? Explanation, ImmutableArray<string> Rules, Recommendation? FixFirst)
{
    private static readonly (string Id, string Title, string[] Rules)[] Groups =
    [
        ("run-failed", "The run crashed before it finished", ["failed-run"]),
        ("broken-values", "Logged values that cannot be right (a bug in the objective, the data or the logging)", ["suspicious-values", "epoch-step-mismatch", "metric-anomaly"]),
        ("unstable-optimisation", "Unstable optimisation: the learning rate or the gradients", ["divergence", "exploding-gradients", "lr-too-high", "clipping-saturation", "loss-spikes"]),
        ("sudden-change", "Something changed mid-run: a sudden drop or a jump to a worse level", ["sudden-metric-drop", "change-point"]),
        ("trained-past-best", "Training went on past its best point", ["overfitting", "past-best-checkpoint", "early-stopping", "plateau"]),
        ("judged-by-the-wrong-metric", "The loss and the task metric disagree: judge by the task metric", ["metric-disagreement"]),
        ("not-learning-enough", "The model is not learning as much as it could", ["underfitting", "lr-too-low", "vanishing-gradients", "not-converged"]),
    ];

    /// <summary>Groups findings (sorted most important first) by cause, leaving out information-only findings and
    /// missing telemetry; causes are ranked by their most severe finding, then by their findings' total confidence.</summary>
    public static ImmutableArray<RootCause> Group(IReadOnlyList<Finding> findings)
    {
        ArgumentNullException.ThrowIfNull(findings);
        var causes = new List<(RootCause Cause, double Weight)>();
        foreach (var (id, title, rules) in Groups)
        {
            var members = findings.Where(f => f.Severity >= Severity.Warning && rules.Contains(f.Rule)).ToList();
            if (members.Count == 0)
            {
                continue;
            }

            var lead = members[0];
            causes.Add((new RootCause(id, title, lead.Severity, lead.RootCause, [.. members.Select(f => f.Rule).Distinct()],
                lead.Recommendations.FirstOrDefault()), members.Sum(f => f.Confidence)));
        }

        return [.. causes.OrderByDescending(c => c.Cause.Severity).ThenByDescending(c => c.Weight).Select(c => c.Cause)];
    }
}

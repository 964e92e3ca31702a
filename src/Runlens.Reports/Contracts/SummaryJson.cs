using Runlens.Analysis.Diagnoses;

namespace Runlens.Reports.Contracts;

/// <summary>The run at a glance: status, headline, the primary metric (why it was chosen, its direction, best and final
/// points) and how far the run went past its best.</summary>
public sealed record SummaryJson(
    string Status,
    string Headline,
    string? PrimaryMetric,
    string PrimaryMetricSource,
    bool GreaterIsBetter,
    PointJson? Best,
    PointJson? Final,
    long? StepsPastBest,
    int? EvalsPastBest)
{
    public static SummaryJson From(DiagnosisSummary s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return new(s.Status.ToString().ToLowerInvariant(), s.Headline, s.PrimaryMetric, s.PrimarySource, s.GreaterIsBetter,
            PointJson.From(s.Best), PointJson.From(s.Final), s.StepsPastBest, s.EvalsPastBest);
    }
}

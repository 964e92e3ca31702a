using Runlens.Analysis.Rules.RunAccounting;

namespace Runlens.Reports.Contracts;

/// <summary>One row of the diagnosis' <c>task_metrics</c>: a metric's best and final points and how much worse the final
/// one is than the best, relative (0 when it is the best).</summary>
public sealed record MetricOutcomeJson(
    string Key,
    string LoggedAs,
    bool GreaterIsBetter,
    int Evaluations,
    PointJson Best,
    PointJson Final,
    double? RelativeDropFromBest)
{
    public static MetricOutcomeJson From(MetricOutcome m)
    {
        ArgumentNullException.ThrowIfNull(m);
        return new(m.Key, m.OriginalName, m.GreaterIsBetter, m.Evaluations, PointJson.From(m.Best)!, PointJson.From(m.Final)!, m.RelativeDropFromBest);
    }
}

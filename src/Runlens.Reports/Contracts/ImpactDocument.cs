using Runlens.Analysis.Sweeps;

namespace Runlens.Reports.Contracts;

/// <summary><c>runlens.impact/v1</c> (docs/impact.md): which hyperparameters matter for a metric over the runs of a sweep.</summary>
public sealed record ImpactDocument(
    string Schema,
    ImpactMetricJson Metric,
    int Runs,
    int RunsWithMetric,
    int ConstantKeys,
    IReadOnlyList<ParameterJson> Parameters,
    IReadOnlyList<SkippedKeyJson> Skipped,
    ForestJson? Forest,
    IReadOnlyList<FindingRateJson> FindingRates,
    IReadOnlyList<NotableJson> Notable,
    IReadOnlyList<string> Caveats)
{
    public const string CurrentSchema = ImpactAnalysis.Schema;

    public static ImpactDocument From(ImpactAnalysis a)
    {
        ArgumentNullException.ThrowIfNull(a);
        return new(
            CurrentSchema,
            new ImpactMetricJson(a.Metric, a.MetricSource, a.GreaterIsBetter, a.Value == ImpactValue.Best ? "best" : "final"),
            a.Runs,
            a.RunsWithMetric,
            a.ConstantKeys,
            [.. a.Parameters.Select(p => new ParameterJson(p.Key, p.Kind == ParameterKind.Numeric ? "numeric" : "categorical", p.Runs, p.Distinct, p.Levels,
                p.Spearman is { } s ? new SpearmanJson(s.Rho, s.PValue, s.N) : null,
                p.Importance is { } i ? new ImportanceJson(i.Mean, i.Std, i.Share, i.AboveZero, i.PerFit) : null,
                p.Caveats))],
            [.. a.Skipped.Select(s => new SkippedKeyJson(s.Key, s.Reason))],
            a.Forest is { } f ? new ForestJson(f.Library, f.Trees, f.Repeats, f.TrainRuns, f.HeldOutRuns, f.HeldOutR2, f.HeldOutR2Mean, f.Encoding, f.Measure) : null,
            [.. a.FindingRates.Select(t => new FindingRateJson(t.Parameter, [.. t.Levels.Select(l => new LevelRateJson(l.Value, l.Runs, l.RunsWithMetric, l.MetricMedian,
                [.. l.Findings.Select(r => new RuleRateJson(r.Rule, r.RuleId, r.Runs, r.Share))]))]))],
            [.. a.Notable.Select(c => new NotableJson(c.Parameter, c.Rule, c.RuleId, c.Value, c.Runs, c.Share, c.OtherValue, c.OtherRuns, c.OtherShare, c.Difference))],
            a.Caveats);
    }
}

using System.Globalization;
using Runlens.Analysis;
using Runlens.Analysis.Sweeps;

namespace Runlens.Reports.Impact;

/// <summary>Phrases shared by the text and Markdown renderers.</summary>
internal static class ImpactText
{
    public static string Title(ImpactAnalysis a) => a.Metric is null
        ? "Hyperparameter impact: no metric to judge by"
        : $"Hyperparameter impact on {(a.Value == ImpactValue.Best ? "best" : "final")} {a.Metric} ({(a.GreaterIsBetter ? "higher" : "lower")} is better)";

    public static string Runs(ImpactAnalysis a) => string.Create(CultureInfo.InvariantCulture,
        $"{a.Runs} runs, {a.RunsWithMetric} with a value of the metric; metric: {a.MetricSource}; {a.Parameters.Length} parameters vary, {a.ConstantKeys} config keys are the same in every run");

    public static string Importance(PermutationImportance? i) => i is null ? "-" : $"{Format.Number(i.Mean)} ± {Format.Number(i.Std)}";

    public static string Share(PermutationImportance? i) => i is null ? "-" : Format.Percent(i.Share);

    public static string Rho(RankCorrelation? s) => s is null ? "-" : s.Rho.ToString("+0.000;-0.000;0.000", CultureInfo.InvariantCulture);

    public static string P(RankCorrelation? s) => s is null ? "-" : s.PValue < 1e-4 ? s.PValue.ToString("0.0e+0", CultureInfo.InvariantCulture) : Format.Number(s.PValue);

    public static string N(RankCorrelation? s) => s is null ? "-" : s.N.ToString(CultureInfo.InvariantCulture);

    /// <summary>What the correlation means for the metric: higher values go with a better or a worse metric.</summary>
    public static string Effect(ImpactAnalysis a, ParameterImpact p)
    {
        if (p.Spearman is not { PValue: < 0.05 } s || s.Rho == 0)
        {
            return "";
        }

        var better = (s.Rho > 0) == a.GreaterIsBetter;
        return better ? "higher is better" : "lower is better";
    }

    public static string Forest(ForestFit f) => string.Create(CultureInfo.InvariantCulture,
        $"{f.Repeats} fits of {f.Trees} trees ({f.Library}), each trained on {f.TrainRuns} runs and measured on {f.HeldOutRuns} held-out runs; held-out R² {Format.Number(f.HeldOutR2Mean)} ± {Format.Number(f.HeldOutR2Std)}. Importance: {f.Measure}.");

    public static string Contrast(FindingContrast c) => string.Create(CultureInfo.InvariantCulture,
        $"{c.Rule} ({c.RuleId}) in {Format.Percent(c.Share)} of runs with {c.Parameter}={c.Value} ({Count(c.Share, c.Runs)} of {c.Runs}) vs {Format.Percent(c.OtherShare)} with {c.Parameter}={c.OtherValue} ({Count(c.OtherShare, c.OtherRuns)} of {c.OtherRuns})");

    public static string Median(double? m) => m is { } v ? Format.Number(v) : "-";

    private static int Count(double share, int runs) => (int)Math.Round(share * runs);
}

using Runlens.Analysis.Comparison;
using F = Runlens.Analysis.Format;

namespace Runlens.Reports;

/// <summary>The sentences and cells the Markdown and terminal comparisons share.</summary>
internal static class ComparisonText
{
    /// <summary>The metrics worth a row, primary first, then losses, then the rest by key; at most <paramref name="max"/>.
    /// Only scores have a row: bookkeeping (epoch, step, runtime, throughput, progress), the learning rate and the
    /// gradient norm have no better direction (the stability table shows the gradient norm).</summary>
    public static IReadOnlyList<MetricCurves> Shown(ExperimentComparison c, int max) =>
        [.. Scored(c).OrderBy(m => m.Key == c.Primary?.Key ? 0 : Model.MetricNames.IsLossName(m.Key) ? 1 : 2)
            .ThenBy(m => m.Key, StringComparer.Ordinal).Take(max)];

    /// <summary>The compared metrics that are scores (see <see cref="Shown"/>).</summary>
    public static IReadOnlyList<MetricCurves> Scored(ExperimentComparison c) => [.. c.Metrics.Where(m => m.Key == c.Primary?.Key || IsScore(m.Key))];

    private static readonly string[] NotScores = ["learning_rate", "grad_norm", "time", "percentage", "throughput", "per_sec", "tokens", "flos", "memory", "_seen"];

    public static bool IsScore(string key)
    {
        if (Model.MetricNames.IsBookkeeping(key))
        {
            return false;
        }

        var name = Model.MetricNames.NameOf(key).ToLowerInvariant();
        return name != "lr" && !name.StartsWith("lr-", StringComparison.Ordinal) && !name.StartsWith("lr_", StringComparison.Ordinal)
            && !NotScores.Any(n => name.Contains(n, StringComparison.Ordinal));
    }

    public static string Primary(ExperimentComparison c) => c.Primary is { } p
        ? $"{p.Key} ({(p.GreaterIsBetter ? "higher" : "lower")} is better; {p.Source})"
        : "none: no run has a validation metric or a training loss";

    public static string Best(ExperimentComparison c)
    {
        if (c.Best is not { } b)
        {
            return "no run could be ranked";
        }

        var text = $"{c.Labels[b.Run]}: {c.Primary!.Key} {F.Number(b.Primary.Best)} at step {F.Step(b.Primary.BestStep)}";
        if (c.Ranking.Length > 1)
        {
            var second = c.Ranking[1];
            var rel = second.Primary.Best != 0 ? $" ({F.Percent(second.GapToBest / Math.Abs(second.Primary.Best))})" : "";
            text += $", ahead of {c.Labels[second.Run]} by {F.Number(second.GapToBest)}{rel}";
        }

        return text;
    }

    public static string Curve(CurveSummary? s, double? target)
    {
        if (s is null)
        {
            return "–";
        }

        var text = $"best {F.Number(s.Summary.Best)} @{F.Step(s.Summary.BestStep)}, final {F.Number(s.Summary.Final)} @{F.Step(s.Summary.FinalStep)}";
        if (target is not null)
        {
            text += s.TargetStep is { } t ? $", target @{F.Step(t)}" : ", target not reached";
        }

        return text;
    }

    public static string Target(MetricCurves m) => m.Target is { } t ? F.Number(t) + (m.TargetGiven ? " (given)" : "") : "–";

    public static string Value(double? v) => v is { } x ? F.Number(x) : "–";

    public static string Step(long? v) => v is { } x ? F.Step(x) : "–";

    public static string Runs(ExperimentComparison c, IEnumerable<int> runs) => string.Join(", ", runs.Select(i => c.Labels[i]));

    public static string Series(FindingPresence f) => f.Series.IsEmpty ? "" : $" ({string.Join(", ", f.Series)})";

    public static string Changes(Analysis.Comparison.ComparisonRecommendation r) => r.ConfigChanges.IsEmpty ? ""
        : " [" + string.Join(", ", r.ConfigChanges.Select(ch => $"{ch.Key}: {EvidenceText.Config(ch.From)} → {EvidenceText.Config(ch.To)}")) + "]";
}

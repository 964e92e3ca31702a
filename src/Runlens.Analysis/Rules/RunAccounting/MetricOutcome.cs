using System.Collections.Immutable;
using Runlens.Analysis.Diagnoses;
using Runlens.Analysis.Signals;
using Runlens.Model;

namespace Runlens.Analysis.Rules.RunAccounting;

/// <summary>
/// How one evaluated metric ended: its best and final values and how far the final one fell from the best, in the
/// metric's own direction (a report's best / final / drop-from-best table).
/// </summary>
/// <param name="Key">The normalised series key.</param>
/// <param name="OriginalName">The name the trainer logged.</param>
/// <param name="GreaterIsBetter">The metric's direction.</param>
/// <param name="Evaluations">Points logged.</param>
/// <param name="Best">The best finite value (the first when several tie).</param>
/// <param name="Final">The last value.</param>
/// <param name="RelativeDropFromBest">How much worse the final value is than the best, relative to the best (0.07 = 7%
/// worse; 0 when the final value is the best); null when the best is 0 or a value is not finite.</param>
public sealed record MetricOutcome(
    string Key,
    string OriginalName,
    bool GreaterIsBetter,
    int Evaluations,
    MetricPoint Best,
    MetricPoint Final,
    double? RelativeDropFromBest)
{
    /// <summary>The most rows a table shows: the primary metric, then the overall task metrics, then the others.</summary>
    public const int MaxRows = 12;

    /// <summary>The outcome of the primary metric (<paramref name="primaryKey"/>, in its direction) and of every other
    /// validation or test task metric (losses aside), overall figures (accuracy, F1, WER, …) before the others, at most
    /// <see cref="MaxRows"/>.</summary>
    public static ImmutableArray<MetricOutcome> Of(Run run, string? primaryKey, bool primaryGreaterIsBetter)
    {
        ArgumentNullException.ThrowIfNull(run);
        var overall = TaskMetrics.FindAll(new RunView(run)).Select(s => s.Key).ToHashSet(StringComparer.Ordinal);
        var candidates = new List<Series>();
        foreach (var s in run.Series.Values)
        {
            if (s.Count > 0 && s.Key != primaryKey && !SystemMetrics.IsSystem(s.Key)
                && MetricNames.SplitOf(s.Key) is "val" or "test"
                && !MetricNames.IsLossName(s.Key) && !MetricNames.IsBookkeeping(s.Key))
            {
                candidates.Add(s);
            }
        }

        // Overall figures first, validation before test, then by name (a sort of reference types with a comparison: LINQ's
        // keyed sorts were JIT-compiled at start-up).
        candidates.Sort((a, b) =>
        {
            var byOverall = (overall.Contains(a.Key) ? 0 : 1) - (overall.Contains(b.Key) ? 0 : 1);
            if (byOverall != 0)
            {
                return byOverall;
            }

            var bySplit = (MetricNames.SplitOf(a.Key) == "val" ? 0 : 1) - (MetricNames.SplitOf(b.Key) == "val" ? 0 : 1);
            return bySplit != 0 ? bySplit : string.CompareOrdinal(a.Key, b.Key);
        });
        var rows = ImmutableArray.CreateBuilder<MetricOutcome>();
        if (primaryKey is not null && run.Get(primaryKey) is { Count: > 0 } primary && Outcome(primary, primaryGreaterIsBetter) is { } p)
        {
            rows.Add(p);
        }

        foreach (var s in candidates)
        {
            if (rows.Count >= MaxRows)
            {
                break;
            }

            if (Outcome(s, !MetricNames.IsLoss(s.Key)) is { } o)
            {
                rows.Add(o);
            }
        }

        return rows.ToImmutable();
    }

    /// <summary>Validation and test task metrics the table leaves out (beyond <see cref="MaxRows"/>).</summary>
    public static int LeftOut(Run run, string? primaryKey, ImmutableArray<MetricOutcome> shown)
    {
        ArgumentNullException.ThrowIfNull(run);
        var all = run.Series.Values.Count(s => s.Count > 0 && s.Key != primaryKey && !SystemMetrics.IsSystem(s.Key)
            && MetricNames.SplitOf(s.Key) is "val" or "test" && !MetricNames.IsLossName(s.Key) && !MetricNames.IsBookkeeping(s.Key)
            && SeriesMath.ArgBest(SeriesValues.Of(s), true) >= 0);
        var shownOthers = shown.Count(r => r.Key != primaryKey);
        return Math.Max(0, all - shownOthers);
    }

    private static MetricOutcome? Outcome(Series s, bool greaterIsBetter)
    {
        var values = SeriesValues.Of(s);
        var b = SeriesMath.ArgBest(values, greaterIsBetter);
        if (b < 0)
        {
            return null;
        }

        var best = s.Points[b];
        var final = s.Last;
        double? drop = double.IsFinite(best.Value) && double.IsFinite(final.Value) && best.Value != 0
            ? Math.Max(0, (greaterIsBetter ? best.Value - final.Value : final.Value - best.Value) / Math.Abs(best.Value))
            : null;
        return new MetricOutcome(s.Key, s.OriginalName, greaterIsBetter, s.Count, new MetricPoint(best.Step, best.Value, best.Epoch),
            new MetricPoint(final.Step, final.Value, final.Epoch), drop);
    }
}

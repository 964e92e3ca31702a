using Runlens.Analysis.Findings;
using Runlens.Analysis.Rules.LearningDynamics;
using Runlens.Analysis.Signals;
using Runlens.Model;

namespace Runlens.Analysis.Rules.RunAccounting;

/// <summary>RL0402: a validation metric gets sharply worse between two evaluations.</summary>
public sealed class SuddenMetricDropRule : IRule
{
    public RuleDescriptor Descriptor { get; } = RuleDescriptor.Create(
        "RL0402", "sudden-metric-drop", "A validation metric drops sharply between two evaluations", RuleCategory.RunAccounting, Severity.Warning,
        [Signal.ValMetric],
        [typeof(SuddenMetricDropEvidence)],
        new RuleOption("min_drop", 0.15, "Relative worsening between two consecutive evaluations"),
        new RuleOption("min_ratio", 4, "The drop must also be this many times the series' median change between evaluations"),
        new RuleOption("min_evals", 4, "Evaluations a series needs to be judged"),
        new RuleOption("min_decline_evals", 3, "A metric whose best came this many evaluations or more before the drop …"),
        new RuleOption("min_decline", 0, "… and that was already more than this worse than its best (relative), while the training loss kept falling, was in the decline of an overfitting model: the drop continues that trend"),
        new RuleOption("min_step_up", 3, "The drop must also be this many times the largest throw of the 20 evaluations before it (a worsening the metric came back from): a metric thrown about throughout is erratic, and one more throw is no single event"));

    public IEnumerable<Finding> Evaluate(RuleContext context)
    {
        var run = context.Run;
        var drops = new List<SeriesDrop>();
        // The metrics a run is judged by: the primary metric, the validation loss, the task metric. Per-class scores and
        // side metrics with tiny supports jump by nature.
        var watched = new[] { run.Primary, run.ValLoss }.OfType<Series>().Concat(TaskMetrics.FindAll(run)).Distinct().ToList();
        var chance = ChanceLevel.Of(run);
        // On an evaluation set of a few dozen examples the validation metrics move by whole examples: their jumps are the
        // set's noise (eval-too-small says so), not a single event.
        if (EvalSetSize.IsTooSmall(run.Run))
        {
            yield break;
        }

        var minDrop = context.Option("min_drop");
        var minRatio = context.Option("min_ratio");
        var minDeclineEvals = (int)context.Option("min_decline_evals");
        var minDecline = context.Option("min_decline");
        var minStepUp = context.Option("min_step_up");
        foreach (var s in watched)
        {
            if (MetricNames.SplitOf(s.Key) != "val" || s.Count < context.Option("min_evals") || MetricNames.IsBookkeeping(s.Key))
            {
                continue;
            }

            var greater = TaskMetrics.GreaterIsBetter(run, s);
            var v = SeriesValues.Of(s);
            var typical = SeriesMath.MedianAbsoluteChange(v);
            var worst = (Index: -1, Drop: 0.0, Earlier: 0.0);
            var bestSoFar = double.IsFinite(v[0]) ? 0 : -1;
            for (var i = 1; i < v.Length; i++)
            {
                if (!double.IsFinite(v[i]) || !double.IsFinite(v[i - 1]) || v[i - 1] == 0)
                {
                    bestSoFar = UpdateBest(v, i, bestSoFar, greater);
                    continue;
                }

                var worse = (greater ? v[i - 1] - v[i] : v[i] - v[i - 1]) / Math.Abs(v[i - 1]);
                // The cheap tests first: only a drop larger than the worst so far needs the window and the decline checked.
                if (worse >= minDrop && worse > worst.Drop && StandsOut(v, i, typical, minRatio)
                    && EarlierThrow(v, i, greater) is var earlier && worse >= minStepUp * earlier
                    && !InDecline(run, s, v, i - 1, bestSoFar, greater, minDeclineEvals, minDecline)
                    && !OverfittingOnset(run, s, v, i, bestSoFar, greater))
                {
                    worst = (i, worse, earlier);
                }

                bestSoFar = UpdateBest(v, i, bestSoFar, greater);
            }

            // An accuracy (or F1) that never rose well above a uniform guess (1/K) had nothing to lose: its moves are
            // sampling noise.
            if (worst.Index > 0 && chance is not null && MetricNames.NameOf(s.Key) is var name && (name == "accuracy" || name.Contains("f1", StringComparison.Ordinal))
                && v[worst.Index - 1] <= AtChanceFactor / chance.Classes)
            {
                continue;
            }

            if (worst.Index > 0)
            {
                var before = v[worst.Index - 1];
                var recovered = false;
                for (var i = worst.Index + 1; i < v.Length && !recovered; i++)
                {
                    var x = v[i];
                    recovered = double.IsFinite(x) && (greater ? x >= before : x <= before) || Math.Abs(x - before) <= typical;
                }

                drops.Add(new SeriesDrop(s, worst.Index, worst.Drop, worst.Earlier, recovered, greater));
            }
        }

        if (drops.Count == 0)
        {
            yield break;
        }

        drops.Sort((a, b) => b.Amount.CompareTo(a.Amount));
        var top = drops[0];
        var p = top.Series.Points;
        var evidence = new SuddenMetricDropEvidence(
            Series: top.Series.Key,
            FromStep: p[top.Index - 1].Step,
            FromValue: p[top.Index - 1].Value,
            ToStep: p[top.Index].Step,
            ToValue: p[top.Index].Value,
            RelativeDrop: top.Amount,
            Threshold: context.Option("min_drop"),
            RelativeEarlierThrow: top.Earlier,
            ThresholdStepUp: minStepUp,
            Recovered: top.Recovered,
            OtherSeries: [.. drops.Skip(1).Select(d => d.Series.Key)]);

        var lrChange = LrChangeBetween(run, p[top.Index - 1].Step, p[top.Index].Step);
        var recs = new List<Recommendation>
        {
            Recommendation.Do($"Look at what changed between steps {Format.Step(p[top.Index - 1].Step)} and {Format.Step(p[top.Index].Step)}: "
                + (lrChange is { } c ? $"the learning rate moved {Format.Number(c.From)} → {Format.Number(c.To)} there; " : "")
                + "a data shard or curriculum switch, a loss spike, or a change in the evaluation itself."),
        };
        if (!top.Recovered)
        {
            recs.Add(Recommendation.Do($"The metric did not recover: keep the weights from before step {Format.Step(p[top.Index].Step)}."));
        }

        yield return context.Finding(
            top.Recovered ? Severity.Info : Severity.Warning,
            top.Recovered ? 0.55 : 0.75,
            $"{top.Series.Key} {(top.Greater ? "dropped" : "jumped")} sharply: {Format.Number(p[top.Index - 1].Value)} → {Format.Number(p[top.Index].Value)} ({Format.Percent(top.Amount)} worse) between steps {Format.Step(p[top.Index - 1].Step)} and {Format.Step(p[top.Index].Step)}"
                + (top.Recovered ? ", then recovered" : ", and did not recover")
                + (drops.Count > 1 ? $" (also {string.Join(", ", drops.Skip(1).Take(3).Select(d => d.Series.Key))})" : ""),
            evidence,
            [p[top.Index - 1].Step, p[top.Index].Step],
            recs,
            "A validation metric that falls off a cliff between two evaluations points at a single event: an unstable update, a data change, or an evaluation problem.",
            [.. drops.Select(d => d.Series.Key)]);
    }

    /// <summary>
    /// Whether <paramref name="s"/> (values <paramref name="v"/>) at <paramref name="at"/> was already in the decline of an
    /// overfitting model: worse than its best so far (<paramref name="best"/>) by at least <paramref name="minDecline"/>
    /// (relative), reached <paramref name="minEvals"/> or more evaluations earlier, while the training loss kept falling
    /// from the best evaluation to <paramref name="at"/>. A larger step down from there is that trend's noise, which the
    /// overfitting rule reads; there is no single event between the two evaluations to look for.
    /// </summary>
    private static bool InDecline(RunView run, Series s, double[] v, int at, int best, bool greater, int minEvals, double minDecline)
    {
        if (best < 0 || at - best < minEvals || v[best] == 0 || run.TrainLoss is not { } train)
        {
            return false;
        }

        var worse = (greater ? v[best] - v[at] : v[at] - v[best]) / Math.Abs(v[best]);
        var trainAtBest = OverfittingRule.WindowMedian(train, best > 0 ? s.Points[best - 1].Step : long.MinValue, s.Points[best].Step);
        var trainAt = OverfittingRule.WindowMedian(train, s.Points[at - 1].Step, s.Points[at].Step);
        return worse > minDecline && trainAt < trainAtBest;
    }

    /// <summary>
    /// Whether the drop into evaluation <paramref name="i"/> is the first step of an overfitting model's decline: it starts
    /// at the best evaluation so far, the training loss kept falling over the drop and on to the end (a data change or a
    /// learning-rate spike makes it jump instead), and the metric ended worse still than right after the drop. The
    /// overfitting rule reads that trend; there is no single event between the two evaluations to look for.
    /// </summary>
    private static bool OverfittingOnset(RunView run, Series s, double[] v, int i, int best, bool greater)
    {
        var last = SeriesMath.LastFinite(v);
        if (best != i - 1 || i < 2 || last <= i || run.TrainLoss is not { } train)
        {
            return false;
        }

        var before = OverfittingRule.WindowMedian(train, s.Points[i - 2].Step, s.Points[i - 1].Step);
        var across = OverfittingRule.WindowMedian(train, s.Points[i - 1].Step, s.Points[i].Step);
        var end = OverfittingRule.WindowMedian(train, s.Points[last - 1].Step, s.Points[last].Step);
        return across < before && end < across && (greater ? v[last] < v[i] : v[last] > v[i]);
    }

    /// <summary>
    /// The largest throw of <paramref name="v"/> among the (up to <see cref="PaceWindow"/>) evaluations before
    /// <paramref name="i"/>: a worsening between two consecutive evaluations (relative, as the drop is measured) that the
    /// metric came back from — got back to the value before it — before evaluation <paramref name="i"/>. A metric thrown
    /// about by a learning rate too high comes back from its throws again and again; an overfitting model's validation
    /// loss creeping upward never does (a trend, not throws), nor does a metric that only improved. 0 when there is none.
    /// </summary>
    private static double EarlierThrow(double[] v, int i, bool greater)
    {
        var largest = 0.0;
        for (var j = Math.Max(1, i - PaceWindow); j < i - 1; j++)
        {
            var (from, to) = (v[j - 1], v[j]);
            if (!double.IsFinite(from) || !double.IsFinite(to) || from == 0)
            {
                continue;
            }

            var worse = (greater ? from - to : to - from) / Math.Abs(from);
            for (var k = j + 1; k < i && worse > largest; k++)
            {
                if (double.IsFinite(v[k]) && (greater ? v[k] >= from : v[k] <= from))
                {
                    largest = worse;
                }
            }
        }

        return largest;
    }

    private static int UpdateBest(double[] v, int i, int best, bool greater) =>
        double.IsFinite(v[i]) && (best < 0 || (greater ? v[i] > v[best] : v[i] < v[best])) ? i : best;

    /// <summary>Evaluations before a drop whose usual change it is also judged against.</summary>
    private const int PaceWindow = 20;

    /// <summary>Whether the change into evaluation <paramref name="i"/> is at least <paramref name="ratio"/> times the series'
    /// usual change between evaluations: over the whole run (<paramref name="typical"/>), or over the (up to
    /// <see cref="PaceWindow"/>) evaluations before it — a cliff followed by a long decline makes every later change large,
    /// and still stands out from the changes before it. The window keeps the check linear on long series.</summary>
    private static bool StandsOut(double[] v, int i, double typical, double ratio)
    {
        var jump = Math.Abs(v[i] - v[i - 1]);
        if (jump >= ratio * typical)
        {
            return true;
        }

        var from = Math.Max(0, i - PaceWindow);
        return i >= 4 && jump >= ratio * SeriesMath.MedianAbsoluteChange(v.AsSpan(from, i - from));
    }

    /// <summary>An accuracy at most this many times 1/K (K classes) counts as still at chance level.</summary>
    public const double AtChanceFactor = 1.5;

    private static (double From, double To)? LrChangeBetween(RunView run, long from, long to)
    {
        if (run.LearningRate is not { Count: > 1 } lr)
        {
            return null;
        }

        var before = lr.Points.LastOrDefault(p => p.Step <= from);
        var after = lr.Points.LastOrDefault(p => p.Step <= to);
        return before == default || after == default || before.Value == 0 || Math.Abs(after.Value - before.Value) / before.Value < 0.2
            ? null
            : (before.Value, after.Value);
    }

    /// <summary>A series' worst drop (a class, not a tuple: a list of tuples is generic code JIT-compiled at every start).</summary>
    private sealed record SeriesDrop(Series Series, int Index, double Amount, double Earlier, bool Recovered, bool Greater);
}

using Runlens.Analysis.Findings;
using Runlens.Analysis.Signals;
using Runlens.Model;

namespace Runlens.Analysis.Rules.RunAccounting;

/// <summary>RL0407: values that cannot be right — a training loss of exactly 0 for long stretches, a negative
/// loss, accuracy 1.0 with F1 0, training metrics identical to validation metrics.</summary>
public sealed class SuspiciousValuesRule : IRule
{
    public RuleDescriptor Descriptor { get; } = RuleDescriptor.Create(
        "RL0407", "suspicious-values", "Logged values that cannot be right", RuleCategory.RunAccounting, Severity.Error,
        [Signal.AnySeries],
        [typeof(ZeroLossEvidence), typeof(NegativeLossEvidence), typeof(PerfectAccuracyZeroF1Evidence), typeof(IdenticalSplitsEvidence)],
        new RuleOption("min_zero_points", 5, "Logs of a training loss of exactly 0.0 that make the finding"),
        new RuleOption("min_identical_points", 3, "Points at which a training and a validation metric must be identical"),
        new RuleOption("min_identical_metrics", 3, "Metrics identical between training and validation (at any number of points) that make the finding"));

    public IEnumerable<Finding> Evaluate(RuleContext context)
    {
        var run = context.Run.Run;
        foreach (var f in ZeroLoss(context))
        {
            yield return f;
        }

        foreach (var s in run.Series.Values.Where(s => MetricNames.IsLossName(s.Key)))
        {
            var negative = s.Points.Where(p => p.Value < 0).ToList();
            if (negative.Count == 0)
            {
                continue;
            }

            var min = negative.MinBy(p => p.Value);
            yield return context.Finding(
                Severity.Error,
                0.75,
                $"{s.Key} is negative on {negative.Count} of {s.Count} logs (down to {Format.Number(min.Value)} at step {Format.Step(min.Step)})",
                new NegativeLossEvidence(
                    Series: s.Key,
                    NegativePoints: negative.Count,
                    Points: s.Count,
                    MinValue: min.Value,
                    MinStep: min.Step,
                    FirstStep: negative[0].Step),
                [negative[0].Step, min.Step],
                [Recommendation.Do("Check the loss: cross-entropy, MSE and most training losses cannot be negative. Look for a sign error, log-probabilities passed where probabilities are expected, or a term that is subtracted without bound.")],
                "A loss that goes negative (and keeps falling) is not measuring the error the model makes: the optimiser is exploiting a term that can be driven towards minus infinity.",
                s.Key);
        }

        foreach (var f in PerfectAccuracyWithZeroF1(context))
        {
            yield return f;
        }

        foreach (var f in TrainEqualsVal(context))
        {
            yield return f;
        }
    }

    private static IEnumerable<Finding> ZeroLoss(RuleContext context)
    {
        var train = context.Run.TrainLoss;
        if (train is null)
        {
            yield break;
        }

        // A trainer that rounds the loss it logs (the HF Trainer keeps 4 decimals) writes 0.0 for any loss under half a
        // unit of its last decimal. In such a log, zeros scattered among the smallest non-zero values are a loss hovering
        // around that half unit, rounded down now and then: they are not counted. A stretch of min_zero_points or more
        // zeros in a row is a loss that stayed under the log's precision, and counts as before.
        var minZeros = (int)context.Option("min_zero_points");
        var resolution = LogResolution(train);
        var zeros = new List<SeriesPoint>();
        var rounded = 0;
        var stretch = new List<SeriesPoint>();
        void EndStretch()
        {
            if (resolution is null || stretch.Count >= minZeros)
            {
                zeros.AddRange(stretch);
            }
            else
            {
                rounded += stretch.Count;
            }

            stretch.Clear();
        }

        foreach (var p in train.Points)
        {
            if (p.Value == 0.0)
            {
                stretch.Add(p);
            }
            else
            {
                EndStretch();
            }
        }

        EndStretch();
        if (zeros.Count < minZeros)
        {
            yield break;
        }

        var fraction = zeros.Count / (double)train.Count;
        yield return context.Finding(
            Severity.Error,
            Math.Min(0.95, 0.6 + fraction),
            $"{train.Key} is exactly 0.0 on {zeros.Count} of {train.Count} logs (first at step {Format.Step(zeros[0].Step)})",
            new ZeroLossEvidence(
                Series: train.Key,
                ZeroPoints: zeros.Count,
                Points: train.Count,
                ZeroFraction: fraction,
                FirstStep: zeros[0].Step,
                LastStep: zeros[^1].Step,
                Threshold: context.Option("min_zero_points"),
                LogResolution: resolution,
                RoundedZeroPoints: rounded),
            [zeros[0].Step],
            [Recommendation.Do("Check for label leakage (the label or an ID that determines it among the inputs), duplicated train/validation examples, a trivially easy task, or a loss that ignores most tokens (e.g. all labels masked with -100).")],
            "A real training loss is essentially never exactly zero: the model can read the answer from its inputs, or the loss is computed over (almost) nothing.",
            train.Key);
    }

    /// <summary>The resolution a series was rounded to when logged: the coarsest 10^-d (d = 1..6) of which every finite
    /// value is a whole multiple, from at least 10 non-zero values; null when the values are not rounded.</summary>
    internal static double? LogResolution(Series series)
    {
        var values = series.Points.Select(p => p.Value).Where(v => double.IsFinite(v) && v != 0).ToArray();
        if (values.Length < 10)
        {
            return null;
        }

        for (var d = 1; d <= 6; d++)
        {
            var scale = Math.Pow(10, d);
            if (values.All(v => Math.Abs((v * scale) - Math.Round(v * scale)) <= 1e-6))
            {
                return 1 / scale;
            }
        }

        return null;
    }

    private static IEnumerable<Finding> PerfectAccuracyWithZeroF1(RuleContext context)
    {
        var run = context.Run.Run;
        foreach (var acc in run.Series.Values.Where(s => MetricNames.NameOf(s.Key) == "accuracy"))
        {
            var split = MetricNames.SplitOf(acc.Key);
            var prefix = split is null ? "" : split + "/";
            var f1 = run.Get(prefix + "f1") ?? run.Get(prefix + "f1_score");
            if (f1 is null)
            {
                continue;
            }

            var f1ByStep = new Dictionary<long, double>();
            foreach (var p in f1.Points)
            {
                f1ByStep[p.Step] = p.Value;
            }

            var both = acc.Points.Where(p => p.Value == 1.0 && f1ByStep.TryGetValue(p.Step, out var f) && f == 0.0).ToList();
            if (both.Count == 0)
            {
                continue;
            }

            yield return context.Finding(
                Severity.Error,
                0.9,
                $"{acc.Key} is 1.0 while {f1.Key} is 0.0 at {both.Count} step{(both.Count > 1 ? "s" : "")} (first at step {Format.Step(both[0].Step)})",
                new PerfectAccuracyZeroF1Evidence(
                    AccuracySeries: acc.Key,
                    F1Series: f1.Key,
                    Points: both.Count,
                    FirstStep: both[0].Step),
                [both[0].Step],
                [Recommendation.Do("Check how accuracy is computed: perfect accuracy with zero F1 means every prediction is the negative/background class and the metric counts that as correct (or compares NaN outputs as equal). Use F1, IoU or balanced accuracy to judge this run.")],
                "Accuracy is dominated by a class the model always predicts; the positive class is never found.",
                acc.Key, f1.Key);
        }
    }

    private static IEnumerable<Finding> TrainEqualsVal(RuleContext context)
    {
        var run = context.Run.Run;
        var min = (int)context.Option("min_identical_points");
        var identical = new List<string>();
        var longest = 0;
        foreach (var train in run.Series.Values.Where(s => MetricNames.SplitOf(s.Key) == "train"))
        {
            var val = run.Get("val/" + MetricNames.NameOf(train.Key));
            if (val is null || val.Count == 0 || val.Count != train.Count)
            {
                continue;
            }

            var finite = 0;
            var same = true;
            for (var i = 0; i < val.Count && same; i++)
            {
                var a = train.Points[i].Value;
                var b = val.Points[i].Value;
                same = a.Equals(b) || Math.Abs(a - b) <= 1e-12 * Math.Max(Math.Abs(a), Math.Abs(b));
                if (Finite.Is(a))
                {
                    finite++;
                }
            }

            if (same && finite > 0 && (finite == 1 || train.Points.Select(p => p.Value).Distinct().Count() > 1))
            {
                identical.Add(MetricNames.NameOf(train.Key));
                longest = Math.Max(longest, finite);
            }
        }

        // One metric identical over several points, or several metrics identical at once (even at a single point),
        // is beyond coincidence.
        if (longest < min && identical.Count < context.Option("min_identical_metrics"))
        {
            yield break;
        }

        if (identical.Count == 0)
        {
            yield break;
        }

        yield return context.Finding(
            Severity.Warning,
            0.85,
            $"Training and validation metrics are identical at every point: {string.Join(", ", identical)}",
            new IdenticalSplitsEvidence(
                Metrics: [.. identical],
                LongestIdenticalPoints: longest),
            [],
            [Recommendation.Do("Check the logging code: the training metrics are probably computed on the validation batches (or one metric object is shared between both and never reset).")],
            "Two different data splits do not give bit-identical metrics; one metric object or one data loader is serving both.",
            [.. identical.SelectMany(n => new[] { "train/" + n, "val/" + n })]);
    }
}

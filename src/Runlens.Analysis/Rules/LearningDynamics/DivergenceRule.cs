using Runlens.Analysis.Findings;
using Runlens.Analysis.Signals;
using Runlens.Model;

namespace Runlens.Analysis.Rules.LearningDynamics;

/// <summary>RL0107: a loss becomes NaN/Inf, or the training loss trends up over the run.</summary>
public sealed class DivergenceRule : IRule
{
    public RuleDescriptor Descriptor { get; } = RuleDescriptor.Create(
        "RL0107", "divergence", "Loss is NaN/Inf or rises over the run", RuleCategory.LearningDynamics, Severity.Error,
        [Signal.TrainLoss],
        [typeof(DivergenceNonFiniteEvidence), typeof(DivergenceEvidence)],
        new RuleOption("min_rise", 0.5, "Rise of the median training loss from the first to the last tenth of the logs, relative"),
        new RuleOption("min_trend", 0.5, "Rank correlation of the training loss with time from which the loss counts as rising"),
        new RuleOption("min_points", 10, "Training-loss logs needed to judge a trend"));

    public IEnumerable<Finding> Evaluate(RuleContext context)
    {
        var run = context.Run;
        var vocab = new TrainerVocabulary(run.Run);
        var lossSeries = run.Run.Series.Values.Where(s => s.Count > 0 && MetricNames.IsLossName(s.Key)).ToList();
        var nonFiniteSeries = lossSeries
            .OrderBy(s => s == run.TrainLoss ? 0 : s == run.ValLoss ? 1 : 2)
            .Where(s => s.Points.Any(p => !Finite.Is(p.Value)))
            .ToList();
        var reported = nonFiniteSeries.Count > 0;
        if (reported)
        {
            var s = nonFiniteSeries[0];
            var v = SeriesValues.Of(s);
            var bad = Array.FindIndex(v, x => !Finite.Is(x));
            var nonFinite = SeriesMath.CountNonFinite(v);
            var fromStart = bad == 0;
            var lastGood = bad > 0 ? s.Points[bad - 1] : (SeriesPoint?)null;
            var evidence = new DivergenceNonFiniteEvidence(
                Series: s.Key,
                FirstNonFiniteStep: s.Points[bad].Step,
                FirstNonFiniteValue: s.Points[bad].Value,
                NonFinitePoints: nonFinite,
                Points: s.Count,
                LastFiniteStep: lastGood?.Step,
                LastFiniteValue: lastGood?.Value,
                OtherSeries: [.. nonFiniteSeries.Skip(1).Select(x => x.Key)]);
            var recs = new List<Recommendation>();
            if (fromStart)
            {
                recs.Add(Recommendation.Do("Check the loss function and the inputs: a loss that is NaN from the very first log points to a broken objective, labels outside the expected range, or NaN/Inf in the data, not to the learning rate."));
            }
            else
            {
                var lr = run.Run.Config.Number(vocab.LearningRateKey);
                recs.Add(Recommendation.Do(
                    lr is { } l ? $"Halve the learning rate ({Format.Number(l)} → {Format.Number(l / 2)}) and clip gradients." : "Lower the learning rate (e.g. by half) and clip gradients.",
                    [.. (lr is { } x ? new[] { vocab.LearningRateChange(x / 2) } : []), vocab.Change(vocab.IsHf ? "max_grad_norm" : "gradient_clip_val", 1.0)]));
                if (run.Run.Config.Get("fp16") is { Kind: ConfigValueKind.Boolean, Boolean: true })
                {
                    recs.Add(Recommendation.Do("fp16 overflows easily: train in bf16 if the hardware supports it.",
                        vocab.Change("fp16", false), vocab.Change("bf16", true)));
                }

                recs.Add(Recommendation.Do($"Resume from the last checkpoint before step {Format.Step(s.Points[bad].Step)} rather than from a later one."));
            }

            var others = nonFiniteSeries.Count > 1 ? $"; also {string.Join(", ", nonFiniteSeries.Skip(1).Select(x => x.Key))}" : "";
            yield return context.Finding(
                Severity.Error,
                0.95,
                fromStart
                    ? $"{s.Key} is {Format.Number(s.Points[0].Value)} from the first log ({nonFinite} of {s.Count} points are not finite{others})"
                    : $"{s.Key} became {Format.Number(s.Points[bad].Value)} at step {Format.Step(s.Points[bad].Step)} ({nonFinite} of {s.Count} points are not finite{others})",
                evidence,
                [s.Points[bad].Step],
                recs,
                fromStart
                    ? "The loss was never finite, so the model never trained: the computation of the loss itself fails."
                    : "The optimisation diverged: an update made the weights or activations overflow.",
                [.. nonFiniteSeries.Select(x => x.Key)]);
        }

        if (reported)
        {
            yield break;
        }

        var train = run.TrainLoss!;
        var values = SeriesValues.Of(train).Where(Finite.Is).ToArray();
        if (values.Length < context.Option("min_points"))
        {
            yield break;
        }

        var tenth = Math.Max(3, values.Length / 10);
        var head = SeriesMath.Median(values.AsSpan(0, tenth));
        var tail = SeriesMath.Median(values.AsSpan(values.Length - tenth));
        var rise = SeriesMath.RelativeChange(head, tail);
        var trend = SeriesMath.TrendRank(values);
        if (rise >= context.Option("min_rise") && trend >= context.Option("min_trend"))
        {
            var lr = run.Run.Config.Number(vocab.LearningRateKey);
            yield return context.Finding(
                Severity.Error,
                Math.Min(0.95, 0.5 + trend / 2),
                $"{train.Key} rises over the run: median {Format.Number(head)} in the first tenth of the logs, {Format.Number(tail)} in the last (+{Format.Percent(rise)})",
                new DivergenceEvidence(
                    Series: train.Key,
                    HeadMedian: head,
                    TailMedian: tail,
                    RelativeRise: rise,
                    Threshold: context.Option("min_rise"),
                    RankTrend: trend,
                    ThresholdTrend: context.Option("min_trend"),
                    Points: values.Length),
                [train.First.Step, train.Last.Step],
                [Recommendation.Do(
                    lr is { } l ? $"Lower the learning rate ({Format.Number(l)} → {Format.Number(l / 3)}) and check the schedule: a training loss should not grow." : "Lower the learning rate and check the schedule: a training loss should not grow.",
                    [.. (lr is { } x ? new[] { vocab.LearningRateChange(x / 3) } : [])])],
                "The optimiser is moving away from the minimum it found: the learning rate is too high for this stage of training, or the loss is computed on data that changes under it.",
                train.Key);
        }
    }
}

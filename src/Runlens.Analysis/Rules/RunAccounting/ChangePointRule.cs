using Runlens.Analysis.Findings;
using Runlens.Analysis.Signals;
using Runlens.Analysis.Signals.ChangePoints;
using Runlens.Model;

namespace Runlens.Analysis.Rules.RunAccounting;

/// <summary>RL0403: a regime change in the training loss (PELT) where its level jumps up and stays up.</summary>
public sealed class ChangePointRule : IRule
{
    private const int MaxSamples = 5000;

    public RuleDescriptor Descriptor { get; } = RuleDescriptor.Create(
        "RL0403", "change-point", "A regime change in the training loss", RuleCategory.RunAccounting, Severity.Info,
        [Signal.TrainLoss],
        [typeof(ChangePointEvidence)],
        new RuleOption("min_shift", 0.2, "Relative rise of the segment mean after a change point for it to be reported"),
        new RuleOption("min_segment_fraction", 0.05, "Shortest segment as a fraction of the series (PELT's min_size)"),
        new RuleOption("penalty_scale", 1, "Multiplier on PELT's default penalty 3·ln(n)·σ²"),
        new RuleOption("min_points", 40, "Training-loss logs needed to judge"));

    public IEnumerable<Finding> Evaluate(RuleContext context)
    {
        var run = context.Run;
        var loss = run.TrainLoss!;
        var values = SeriesValues.Of(loss);
        var finite = new List<int>(values.Length);
        for (var i = 0; i < values.Length; i++)
        {
            if (double.IsFinite(values[i]))
            {
                finite.Add(i);
            }
        }

        if (finite.Count < context.Option("min_points"))
        {
            yield break;
        }

        // Long series are averaged in equal blocks first: PELT on at most 5,000 samples.
        var block = (finite.Count + MaxSamples - 1) / MaxSamples;
        var samples = new List<double>();
        var steps = new List<long>();
        for (var i = 0; i < finite.Count; i += block)
        {
            var end = Math.Min(finite.Count, i + block);
            var sum = 0.0;
            for (var k = i; k < end; k++)
            {
                sum += values[finite[k]];
            }

            samples.Add(sum / (end - i));
            steps.Add(loss.Points[finite[i]].Step);
        }

        var signal = SignalMatrix.FromValues(samples);
        var minSize = Math.Max(3, (int)(samples.Count * context.Option("min_segment_fraction")));
        var penalty = ChangePointSearch.DefaultPenalty(signal) * context.Option("penalty_scale");
        ChangePointResult result;
        try
        {
            result = ChangePointSearch.Run(signal, "l2", penalty, minSize, 1);
        }
        catch (SegmentationException)
        {
            yield break;
        }

        var rises = new List<(int Index, double Before, double After, double Shift)>();
        for (var k = 1; k < result.Segments.Length; k++)
        {
            var before = result.Segments[k - 1].Mean[0];
            var after = result.Segments[k].Mean[0];
            var shift = before > 0 ? (after - before) / before : 0;
            if (shift >= context.Option("min_shift"))
            {
                rises.Add((result.Segments[k].Start, before, after, shift));
            }
        }

        if (rises.Count == 0)
        {
            yield break;
        }

        var top = rises.MaxBy(r => r.Shift);
        var step = steps[top.Index];
        var lrNote = LrNear(run.LearningRate, step);
        var evidence = new ChangePointEvidence(
            Series: loss.Key,
            ChangeStep: step,
            MeanBefore: top.Before,
            MeanAfter: top.After,
            RelativeShift: top.Shift,
            Threshold: context.Option("min_shift"),
            ChangePoints: result.Breakpoints.Length - 1,
            UpwardChanges: rises.Count,
            ChangeSteps: [.. rises.Select(r => steps[r.Index])],
            Penalty: penalty,
            MinSize: minSize,
            Samples: samples.Count);

        yield return context.Finding(
            Severity.Info,
            0.5 + Math.Min(0.3, top.Shift / 2),
            $"{loss.Key} jumped to a higher level at step {Format.Step(step)}: mean {Format.Number(top.Before)} before, {Format.Number(top.After)} after (+{Format.Percent(top.Shift)})"
                + (lrNote is null ? "" : $"; {lrNote}"),
            evidence,
            rises.Select(r => steps[r.Index]),
            [Recommendation.Do($"Check what happened at step {Format.Step(step)}: a resumed checkpoint with a different optimiser state or schedule, a new data source, a learning-rate change, or an unstable update. `runlens changepoints` shows every segment.")],
            "The loss did not just wobble: it moved to a worse level and stayed there.",
            loss.Key);
    }

    private static string? LrNear(Series? lr, long step)
    {
        if (lr is not { Count: > 1 })
        {
            return null;
        }

        var before = lr.Points.LastOrDefault(p => p.Step < step);
        var after = lr.Points.FirstOrDefault(p => p.Step >= step);
        return before == default || after == default || before.Value <= 0 || Math.Abs(after.Value - before.Value) / before.Value < 0.5
            ? null
            : $"the learning rate changed {Format.Number(before.Value)} → {Format.Number(after.Value)} there";
    }
}

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
        [typeof(ChangePointEvidence), typeof(ScheduleRestartEvidence)],
        new RuleOption("min_shift", 0.2, "Relative rise of the segment mean after a change point for it to be reported"),
        new RuleOption("min_segment_fraction", 0.05, "Shortest segment as a fraction of the series (PELT's min_size)"),
        new RuleOption("penalty_scale", 1, "Multiplier on PELT's default penalty 3·ln(n)·σ²"),
        new RuleOption("min_points", 40, "Training-loss logs needed to judge"),
        new RuleOption("min_step_fit", 2.5, "Two levels must fit the logs of the segments either side of a change this many times better (residual sum of squares) than one straight line across both; below it the loss drifts rather than jumps"),
        new RuleOption("min_val_steadiness", 0.8, "After a jump at a steady learning rate, a validation loss rising this steadily (rank correlation with time) while the training loss falls again marks changed training data"),
        new RuleOption("restart_decayed", 0.3, "A schedule restart needs the learning rate first decayed to at most this fraction of its peak"),
        new RuleOption("restart_climb", 0.5, "… and then back to at least this fraction of its peak (at most 1.5×: above is a spike, not a restart)"));

    public IEnumerable<Finding> Evaluate(RuleContext context)
    {
        if (ScheduleRestart(context) is { } restart)
        {
            yield return restart;
        }

        foreach (var f in LossLevel(context))
        {
            yield return f;
        }
    }

    /// <summary>A learning rate that decayed and then climbed back towards its peak: the scheduler started over.</summary>
    private static Finding? ScheduleRestart(RuleContext context)
    {
        var run = context.Run;
        if (run.LearningRate is not { Count: >= 6 } lr
            || run.Run.Config.Get("lr_scheduler_type") is { } kind && (kind.Text.Contains("restart", StringComparison.OrdinalIgnoreCase) || kind.Text.Contains("cycl", StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }

        var restart = LearningRateRestarts.Of(lr, context.Option("restart_decayed"), context.Option("restart_climb")).FirstOrDefault();
        return restart is null ? null : RestartFinding(context, lr, restart.Peak, restart.Low, restart.LowIndex, restart.ClimbedIndex);
    }

    private static Finding RestartFinding(RuleContext context, Series lr, double peak, double low, int lowIndex, int climbedIndex)
    {
        var run = context.Run;
        var restartStep = lr.Points[Math.Min(lowIndex + 1, lr.Count - 1)].Step;
        var climbedStep = lr.Points[climbedIndex].Step;
        double? before = null, after = null;
        const int window = 5;
        if (run.TrainLoss is { } loss)
        {
            var pre = loss.Points.Where(p => p.Step < restartStep && Finite.Is(p.Value)).TakeLast(window).Select(p => p.Value).ToList();
            var post = loss.Points.Where(p => p.Step >= climbedStep && Finite.Is(p.Value)).Take(window).Select(p => p.Value).ToList();
            before = pre.Count > 0 ? Median(pre) : null;
            after = post.Count > 0 ? Median(post) : null;
        }

        var evidence = new ScheduleRestartEvidence(lr.Key, restartStep, climbedStep, peak, low, lr.Points[climbedIndex].Value,
            context.Option("restart_decayed"), before, after, window);
        var lossText = before is { } b && after is { } a && run.TrainLoss is { } tl
            ? $"; {tl.Key} moved {Format.Number(b)} → {Format.Number(a)} (median of {window} logs either side)"
            : "";
        return context.Finding(
            Severity.Warning,
            0.8,
            $"The learning-rate schedule restarted at step {Format.Step(restartStep)}: the rate had decayed to {Format.Number(low)} "
                + $"({Format.Percent(low / peak)} of its peak {Format.Number(peak)}) and climbed back to {Format.Number(lr.Points[climbedIndex].Value)} by step {Format.Step(climbedStep)}{lossText}",
            evidence,
            [restartStep, climbedStep],
            [Recommendation.Do($"If the job was resumed at step {Format.Step(restartStep)}, restore the optimizer and scheduler state with the weights (HF: `trainer.train(resume_from_checkpoint=...)`; Lightning: `ckpt_path=`), so that the schedule continues instead of warming up again.")],
            "A scheduler started afresh on a resumed run raises the learning rate back to its peak late in training, undoing part of the decay and moving the weights away from the minimum they had reached.",
            lr.Key);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        var m = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
    }

    private static IEnumerable<Finding> LossLevel(RuleContext context)
    {
        var run = context.Run;
        var loss = run.TrainLoss!;
        var values = SeriesValues.Of(loss);
        var finite = new List<int>(values.Length);
        for (var i = 0; i < values.Length; i++)
        {
            if (Finite.Is(values[i]))
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
            if (shift >= context.Option("min_shift") && StepFit(samples, result.Segments[k - 1], result.Segments[k]) >= context.Option("min_step_fit"))
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
        var changedData = DataShift(run, step, context.Option("min_val_steadiness"));
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
            Samples: samples.Count,
            ValSeries: changedData?.Val.Key,
            ValBestBeforeChange: changedData?.Best,
            ValFinal: changedData?.Final,
            ValSteadinessAfter: changedData?.ValSteadiness,
            TrainSteadinessAfter: changedData?.TrainSteadiness,
            ThresholdValSteadiness: context.Option("min_val_steadiness"),
            DataShift: changedData is not null);

        if (changedData is { } d)
        {
            yield return context.Finding(
                Severity.Warning,
                0.8,
                $"The training data looks changed at step {Format.Step(step)}: {loss.Key} jumped {Format.Number(top.Before)} → {Format.Number(top.After)} (+{Format.Percent(top.Shift)}) at a steady learning rate, "
                    + $"then fell again while {d.Val.Key} rose at the evaluations after it ({Format.Number(d.Best)} at its best → {Format.Number(d.Final)})",
                evidence,
                rises.Select(r => steps[r.Index]),
                [
                    Recommendation.Do($"Check the training data served from step {Format.Step(step)} on: a new shard, a corrupted or differently preprocessed file, a curriculum or sampling switch, or labels mapped differently. The model is learning it while the validation set, which did not change, gets worse."),
                    Recommendation.Do($"Keep the checkpoint from before step {Format.Step(step)}, and resume from it once the data is fixed."),
                ],
                "A training loss that jumps at a steady learning rate and then falls again is the model meeting, and learning, different data; validation getting worse at every evaluation from that point says the new data is not the task it is measured on.",
                loss.Key, d.Val.Key);
            yield break;
        }

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

    /// <summary>The picture of training data that changed at <paramref name="step"/>: the learning rate steady (within 20%)
    /// across it, the validation loss at its best at one of the last two evaluations before it, then rising over at least
    /// three evaluations after it (rank correlation with time at least <paramref name="minSteadiness"/>) while the training
    /// loss falls again (negated rank correlation at least 0.5). Null when any part is missing.</summary>
    private static (Series Val, double Best, double Final, double ValSteadiness, double TrainSteadiness)? DataShift(RunView run, long step, double minSteadiness)
    {
        if (run.ValLoss is not { Count: >= 5 } val || run.TrainLoss is not { } train || run.LearningRate is not { Count: >= 2 } lr)
        {
            return null;
        }

        var lrBefore = lr.Points.Where(p => p.Step < step && Finite.Is(p.Value)).Select(p => p.Value).TakeLast(5).ToList();
        var lrAfter = lr.Points.Where(p => p.Step >= step && Finite.Is(p.Value)).Select(p => p.Value).Take(5).ToList();
        if (lrBefore.Count == 0 || lrAfter.Count == 0 || !(lrBefore.Min() > 0) || lrAfter.Max() > 1.2 * lrBefore.Min() || lrAfter.Min() < lrBefore.Max() / 1.2)
        {
            return null;
        }

        var points = val.Points.Where(p => Finite.Is(p.Value)).ToList();
        var before = points.Where(p => p.Step <= step).ToList();
        var after = points.Where(p => p.Step > step).Select(p => p.Value).ToArray();
        if (before.Count < 2 || after.Length < 3)
        {
            return null;
        }

        var best = before.MinBy(p => p.Value);
        var bestIndex = before.IndexOf(best);
        var trainAfter = train.Points.Where(p => p.Step > step && Finite.Is(p.Value)).Select(p => p.Value).ToArray();
        if (bestIndex < before.Count - 2 || points.Any(p => p.Value < best.Value) || trainAfter.Length < 5)
        {
            return null;
        }

        double[] valAfter = [best.Value, .. after];
        var valSteadiness = SeriesMath.TrendRank(valAfter);
        var trainSteadiness = -SeriesMath.TrendRank(trainAfter);
        return valSteadiness >= minSteadiness && trainSteadiness >= 0.5 && after[^1] > best.Value
            ? (val, best.Value, after[^1], valSteadiness, trainSteadiness)
            : null;
    }

    /// <summary>
    /// How much better two levels fit the samples of segments <paramref name="a"/> and <paramref name="b"/> than one
    /// straight line across both: the residual sum of squares of the line over that of the two segment means. A jump is
    /// far better fitted by two levels; a loss that drifts upward (a learning rate too high for the later, sharper part
    /// of the loss surface) is fitted about as well by the line, and PELT's split of it into levels is arbitrary.
    /// </summary>
    private static double StepFit(List<double> x, Segment a, Segment b)
    {
        double rssStep = 0, sum = 0;
        for (var i = a.Start; i < b.End; i++)
        {
            var d = x[i] - (i < a.End ? a.Mean[0] : b.Mean[0]);
            rssStep += d * d;
            sum += x[i];
        }

        var n = b.End - a.Start;
        var meanT = (a.Start + b.End - 1) / 2.0;
        var meanY = sum / n;
        double sxy = 0, sxx = 0;
        for (var i = a.Start; i < b.End; i++)
        {
            sxy += (i - meanT) * (x[i] - meanY);
            sxx += (i - meanT) * (i - meanT);
        }

        var slope = sxx > 0 ? sxy / sxx : 0;
        double rssLine = 0;
        for (var i = a.Start; i < b.End; i++)
        {
            var d = x[i] - (meanY + (slope * (i - meanT)));
            rssLine += d * d;
        }

        return rssStep > 0 ? rssLine / rssStep : double.PositiveInfinity;
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

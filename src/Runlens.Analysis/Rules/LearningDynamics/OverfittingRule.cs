using Runlens.Analysis.Findings;
using Runlens.Analysis.Signals;
using Runlens.Model;

namespace Runlens.Analysis.Rules.LearningDynamics;

/// <summary>RL0101: validation loss rises after its minimum while training loss keeps falling.</summary>
public sealed class OverfittingRule : IRule
{
    public RuleDescriptor Descriptor { get; } = RuleDescriptor.Create(
        "RL0101", "overfitting", "Validation loss rises while training loss falls", RuleCategory.LearningDynamics, Severity.Warning,
        [Signal.TrainLoss, Signal.ValLoss],
        [typeof(OverfittingEvidence), typeof(OverfittingNoiseEvidence), typeof(OverfittingRestartEvidence)],
        new RuleOption("min_rise", 0.05, "Smallest rise of the final validation loss above its minimum, relative to the minimum"),
        new RuleOption("min_evals_after", 2, "Evaluations needed after the minimum before the rise counts"),
        new RuleOption("moderate_rise", 0.15, "Relative rise from which overfitting is moderate"),
        new RuleOption("severe_rise", 0.40, "Relative rise from which overfitting is severe (severity error)"),
        new RuleOption("moderate_gap_growth", 3, "Growth of the validation−training gap since the best evaluation from which overfitting is at least moderate"),
        new RuleOption("severe_gap_growth", 10, "Growth of the gap from which overfitting is severe"),
        new RuleOption("noise_factor", 3, "The rise must exceed this many times the median change between consecutive evaluations; below it the validation loss is only noisy"),
        new RuleOption("task_gain", 0.02, "Relative improvement of the task metric after the loss minimum that counts as still improving"),
        new RuleOption("task_gain_ratio", 0.1, "When the task metric's gain is at least this fraction of the loss's rise, only the loss got worse (information, not overfitting)"),
        new RuleOption("min_fraction_of_gain", 0.02, "A rise smaller than this fraction of what the validation loss gained before its minimum (first evaluation to minimum) is a wobble at the floor the run converged to (information), whatever its size relative to the minimum"),
        new RuleOption("restart_decayed", LearningRateRestarts.DefaultDecayed, "A learning-rate restart after the minimum needs the rate first decayed to at most this fraction of its peak (as change-point's option)"),
        new RuleOption("restart_climb", LearningRateRestarts.DefaultClimb, "… and then back to at least this fraction of its peak; a rise that came only after such a restart is the restart's bump (information)"));

    public IEnumerable<Finding> Evaluate(RuleContext context)
    {
        var run = context.Run;
        var val = run.ValLoss!;
        var train = run.TrainLoss!;
        var v = SeriesValues.Of(val);
        var m = SeriesMath.ArgBest(v, greaterIsBetter: false);
        var last = SeriesMath.LastFinite(v);
        if (m < 0 || last - m < context.Option("min_evals_after"))
        {
            yield break;
        }

        if (last < v.Length - 1)
        {
            yield break; // it ended non-finite: the run diverged (divergence's and exploding-gradients' case), whatever rose before
        }

        var best = val.Points[m];
        var final = val.Points[last];
        var rise = SeriesMath.RelativeChange(best.Value, final.Value);
        if (!(rise >= context.Option("min_rise")))
        {
            yield break;
        }

        // Training loss around the best eval and at the end (median of the logs since the previous eval, to ride out noise).
        var prevStep = m > 0 ? val.Points[m - 1].Step : long.MinValue;
        var trainAtBest = WindowMedian(train, prevStep, best.Step);
        var trainEnd = WindowMedian(train, val.Points[last - 1].Step, final.Step);
        if (double.IsNaN(trainAtBest) || double.IsNaN(trainEnd) || !(trainEnd < trainAtBest))
        {
            yield break; // validation rises but training does not fall: not the overfitting pattern
        }

        // Level from the size of the rise and from how much the train/validation gap widened since the best evaluation.
        var gapAtBest = best.Value - trainAtBest;
        var gapGrowth = gapAtBest > 0.01 * Math.Abs(best.Value) ? (final.Value - trainEnd) / gapAtBest : double.NaN;
        var byRise = rise >= context.Option("severe_rise") ? 2 : rise >= context.Option("moderate_rise") ? 1 : 0;
        var byGap = gapGrowth >= context.Option("severe_gap_growth") ? 2 : gapGrowth >= context.Option("moderate_gap_growth") ? 1 : 0;
        var (level, severity) = Math.Max(byRise, byGap) switch
        {
            2 => ("severe", Severity.Error),
            1 => ("moderate", Severity.Warning),
            _ => ("mild", Severity.Warning),
        };

        // The loss says "worse" but the task metric says "better" (seed 003: judge by the task): the loss is
        // over-confident rather than the model worse at the task. Say exactly that, as information.
        // When the task metric improved a little but far less than the loss degraded, it is still overfitting, capped at
        // a warning and saying so.
        var task = run.TaskMoveAfterLossBest;
        // A gain of a metric at chance is noise (a model that learned nothing): it cannot excuse a rising loss.
        var taskImproved = task is { BestStep: var ts } && ts > best.Step && task.Gain >= context.Option("task_gain") && !TaskGainAtChance.Of(run, task);
        // A metric that gained early, then stopped improving while the loss rose and the training loss kept falling for
        // the rest of the run, excuses nothing: overfitting from the metric's best, its level from the rise since then.
        var memorising = taskImproved ? MemorisingAfterTaskBest.Of(run, task!) : null;
        var lossOnly = taskImproved && memorising is null && task!.Gain >= context.Option("task_gain_ratio") * rise;
        // A validation loss that swings as much between any two evaluations as it rose after its minimum is noise, not a
        // trend: the minimum is a lucky low (lightning forecast run: 0.008 ... 0.111 ... 0.008 ... 0.052).
        var typicalChange = SeriesMath.MedianAbsoluteChange(v);
        var upSteps = 0;
        for (var i = m + 1; i <= last; i++)
        {
            upSteps += v[i] > v[i - 1] ? 1 : 0;
        }

        var steadyRise = upSteps >= 0.75 * (last - m);
        if (!lossOnly && !steadyRise && final.Value - best.Value < context.Option("noise_factor") * typicalChange)
        {
            yield return context.Finding(
                Severity.Info,
                0.5,
                $"{val.Key} is too noisy to call overfitting: it moves {Format.Number(typicalChange)} between evaluations (median), about as much as its rise from the minimum {Format.Number(best.Value)} at step {Format.Step(best.Step)} to {Format.Number(final.Value)}",
                new OverfittingNoiseEvidence(
                    Level: "noisy",
                    Series: val.Key,
                    BestStep: best.Step,
                    BestValue: best.Value,
                    FinalStep: final.Step,
                    FinalValue: final.Value,
                    RelativeRise: rise,
                    Threshold: context.Option("min_rise"),
                    MedianChangeBetweenEvals: typicalChange,
                    RisesAfterBest: upSteps,
                    EvalsAfterBest: last - m,
                    ThresholdNoiseFactor: context.Option("noise_factor")),
                [best.Step, final.Step],
                [Recommendation.Do("Evaluate on more data, or average several evaluations, so a trend can be told from noise; pick checkpoints on a smoothed validation metric rather than its single lowest value.")],
                null,
                val.Key);
            yield break;
        }

        // The learning rate climbed back towards its peak after the minimum (a resumed job whose scheduler started over, a
        // warm restart) and the validation loss had not yet risen min_rise by the last evaluation before it: the rise is the
        // restart's bump, which change-point reports with its cause, not the model memorising its training data.
        if (!lossOnly && RestartBump(context, val, v, m, last) is { } bump)
        {
            yield return bump;
            yield break;
        }

        if (lossOnly)
        {
            (level, severity) = ("loss-only", Severity.Info);
        }
        else if (memorising is not null)
        {
            (level, severity) = memorising.RelativeRise >= context.Option("severe_rise") ? ("severe", Severity.Error) : ("moderate", Severity.Warning);
        }
        else if (taskImproved && severity == Severity.Error)
        {
            severity = Severity.Warning;
        }
        // The rise judged against what the run gained before its minimum: relative to a loss that converged near zero
        // (0.04 after starting at 1.1) a drift of 0.003 reads as "7%", though the model gave back almost nothing it had won.
        var gain = SeriesMath.GainBefore(v, m, greater: false);
        var riseFractionOfGain = gain > 0 ? (final.Value - best.Value) / gain : double.NaN;
        var atFloor = riseFractionOfGain < context.Option("min_fraction_of_gain");

        if (!lossOnly && atFloor)
        {
            (level, severity) = ("floor", Severity.Info);
        }

        var risesAfter = upSteps;
        var evalsAfter = last - m;
        var steadiness = risesAfter / (double)evalsAfter;
        var confidence = 0.55 + 0.1 * Math.Min(evalsAfter, 3) + 0.15 * steadiness;

        var vocab = new TrainerVocabulary(run.Run);
        var evidence = new OverfittingEvidence(
            Level: level,
            Series: val.Key,
            BestStep: best.Step,
            BestValue: best.Value,
            BestEpoch: best.Epoch,
            FinalStep: final.Step,
            FinalValue: final.Value,
            RelativeRise: rise,
            Threshold: context.Option("min_rise"),
            EvalsAfterBest: evalsAfter,
            RisesAfterBest: risesAfter,
            TrainSeries: train.Key,
            TrainLossAtBest: trainAtBest,
            TrainLossFinal: trainEnd,
            GapAtBest: best.Value - trainAtBest,
            GapFinal: final.Value - trainEnd,
            GapGrowth: gapGrowth,
            Trajectory: [.. Trajectory(val, m, last)],
            MetricSeries: taskImproved ? task!.Metric.Key : null,
            MetricValueAtLossBest: taskImproved ? task!.AtLossBest : null,
            MetricBestValue: taskImproved ? task!.Best : null,
            MetricBestStep: taskImproved ? task!.BestStep : null,
            RelativeMetricGain: taskImproved ? task!.Gain : null,
            RelativeRiseAfterMetricBest: memorising?.RelativeRise,
            RiseFractionOfGain: riseFractionOfGain,
            ThresholdFractionOfGain: context.Option("min_fraction_of_gain"));

        if (lossOnly)
        {
            yield return context.Finding(
                Severity.Info,
                confidence,
                $"{val.Key} rose {Format.Percent(rise)} from its minimum at step {Format.Step(best.Step)}, but {task!.Metric.Key} kept improving ({Format.Number(task.AtLossBest)} → {Format.Number(task.Best)} at step {Format.Step(task.BestStep)}): the loss got worse, the task performance did not",
                evidence,
                [best.Step, task.BestStep, final.Step],
                [Recommendation.Do($"Do not stop or pick checkpoints on {val.Key} alone: {task.Metric.Key} is still improving. See metric-disagreement.")],
                "The rising validation loss comes from over-confident predictions, not from worse answers; it is not the memorisation pattern of overfitting.",
                val.Key, task.Metric.Key);
            yield break;
        }

        if (level == "floor")
        {
            yield return context.Finding(
                Severity.Info,
                confidence,
                $"{val.Key} rose {Format.Percent(rise)} from its minimum {Format.Number(best.Value)} at step {Format.Step(best.Step)} to {Format.Number(final.Value)}, but that is {Format.Percent(riseFractionOfGain)} of the {Format.Number(gain)} it gained before its minimum (under {Format.Percent(context.Option("min_fraction_of_gain"))}): a wobble at the floor the run converged to, not overfitting to act on",
                evidence,
                [best.Step, final.Step],
                [Recommendation.Do($"Nothing to change for this rise; keep the weights from step {Format.Step(best.Step)} if the last fraction of a loss point matters, and watch for a rise that keeps growing over more evaluations.")],
                null,
                val.Key, train.Key);
            yield break;
        }

        // A mild rise over the few evaluations that early stopping waits for, after which the trainer stopped the run and
        // reloaded the best checkpoint, is the normal end of a run that early stopping guards: nothing to act on.
        if (level == "mild" && EarlyStopKeptBest.Of(run.Run, best.Step))
        {
            yield return context.Finding(
                Severity.Info,
                confidence,
                $"{val.Key} rose {Format.Percent(rise)} from its minimum {Format.Number(best.Value)} at step {Format.Step(best.Step)} over the {evalsAfter} evaluations before early stopping ended the run, and the trainer kept and reloaded {run.Run.Trainer.BestCheckpoint}: the small rise early stopping waits for, not overfitting to act on",
                evidence,
                [best.Step, final.Step],
                [Recommendation.Do($"Nothing to change: the weights the run ended with are those of step {Format.Step(best.Step)}.")],
                null,
                val.Key, train.Key);
            yield break;
        }

        var recs = new List<Recommendation>
        {
            Recommendation.Do(
                $"Keep the weights from step {Format.Step(best.Step)} ({val.Key} {Format.Number(best.Value)}), not the final ones, and stop training there next time.",
                [.. vocab.KeepBest(val, greaterIsBetter: false)]),
        };

        if (!double.IsNaN(best.Epoch) && best.Epoch > 0)
        {
            var epochs = Math.Max(1, Math.Ceiling(best.Epoch + 1));
            var planned = run.Run.Config.Number(vocab.Epochs) ?? run.Run.Trainer.NumTrainEpochs;
            if (planned is null || epochs < planned)
            {
                recs.Add(Recommendation.Do(
                    $"Train for about {Format.Number(epochs)} epochs instead of {(planned is null ? "the current number" : Format.Number(planned.Value))}: validation loss was best at epoch {Format.Number(best.Epoch)}.",
                    vocab.Change(vocab.Epochs, epochs)));
            }
        }

        var wd = run.Run.Config.Number("weight_decay");
        recs.Add(Recommendation.Do(
            "Regularise: more weight decay or dropout, data augmentation, or more training data.",
            [.. wd is { } w ? new[] { vocab.Change("weight_decay", w > 0 ? Math.Min(w * 5, 0.1) : 0.01) } : []]));

        yield return context.Finding(
            severity,
            confidence,
            $"{Cap(level)} overfitting: {val.Key} rose {Format.Percent(rise)} from its minimum {Format.Number(best.Value)} at step {Format.Step(best.Step)} to {Format.Number(final.Value)} at step {Format.Step(final.Step)} while {train.Key} fell {Format.Number(trainAtBest)} → {Format.Number(trainEnd)}"
                + (memorising is not null
                    ? $"; {task!.Metric.Key} stopped improving at step {Format.Step(task.BestStep)} ({Format.Number(task.AtLossBest)} → {Format.Number(task.Best)}), and {val.Key} rose {Format.Percent(memorising.RelativeRise)} after it ({Format.Number(memorising.LossAtMetricBest)} → {Format.Number(memorising.FinalLoss)})"
                    : taskImproved ? $" ({task!.Metric.Key} still crept up {Format.Number(task.AtLossBest)} → {Format.Number(task.Best)})" : ""),
            evidence,
            [best.Step, final.Step],
            recs,
            $"After step {Format.Step(best.Step)} the model keeps fitting the training data ({train.Key} {Format.Number(trainAtBest)} → {Format.Number(trainEnd)}) while {val.Key} gets worse: it is memorising training examples rather than learning what generalises.",
            val.Key, train.Key);
    }

    /// <summary>The information finding when the last learning-rate restart between the minimum and the end came before the
    /// validation loss had risen <c>min_rise</c> above its minimum; null otherwise.</summary>
    private static Finding? RestartBump(RuleContext context, Series val, double[] v, int m, int last)
    {
        if (context.Run.LearningRate is not { Count: >= 6 } lr)
        {
            return null;
        }

        var best = val.Points[m];
        var final = val.Points[last];
        var restart = LearningRateRestarts.Of(lr, context.Option("restart_decayed"), context.Option("restart_climb"))
            .LastOrDefault(r => r.RestartStep(lr) > best.Step && r.RestartStep(lr) <= final.Step);
        if (restart is null)
        {
            return null;
        }

        var restartStep = restart.RestartStep(lr);
        var before = m;
        for (var i = m + 1; i <= last && val.Points[i].Step < restartStep; i++)
        {
            before = Finite.Is(v[i]) ? i : before;
        }

        var riseBefore = SeriesMath.RelativeChange(best.Value, v[before]);
        if (!(riseBefore < context.Option("min_rise")))
        {
            return null; // it had risen before the restart: overfitting (or more) whatever the restart added
        }

        var rise = SeriesMath.RelativeChange(best.Value, final.Value);
        var evidence = new OverfittingRestartEvidence(
            Level: "restart",
            Series: val.Key,
            BestStep: best.Step,
            BestValue: best.Value,
            FinalStep: final.Step,
            FinalValue: final.Value,
            RelativeRise: rise,
            Threshold: context.Option("min_rise"),
            LearningRateSeries: lr.Key,
            RestartStep: restartStep,
            ClimbedBackStep: restart.ClimbedStep(lr),
            StepBeforeRestart: val.Points[before].Step,
            ValueBeforeRestart: v[before],
            RelativeRiseBeforeRestart: riseBefore);
        return context.Finding(
            Severity.Info,
            0.6,
            $"{val.Key} rose {Format.Percent(rise)} from its minimum {Format.Number(best.Value)} at step {Format.Step(best.Step)} to {Format.Number(final.Value)}, "
                + $"but only after {lr.Key} climbed back from {Format.Number(restart.Low)} ({Format.Percent(restart.Low / restart.Peak)} of its peak {Format.Number(restart.Peak)}) at step {Format.Step(restartStep)}: "
                + $"up to the last evaluation before it (step {Format.Step(val.Points[before].Step)}, {Format.Number(v[before])}) it had risen {Format.Percent(riseBefore)}, under the {Format.Percent(context.Option("min_rise"))} that counts as overfitting",
            evidence,
            [best.Step, restartStep, final.Step],
            [Recommendation.Do($"Look at the learning-rate restart first (change-point): a rate back near its peak late in training moves the weights away from the minimum they had reached. Keep the weights from step {Format.Step(best.Step)} if the restart was not meant.")],
            "A validation loss that held at its minimum until the learning rate jumped back up, and rose after, was knocked off the minimum by the larger steps; overfitting is a rise while the model keeps fitting its training data at the rate it had.",
            val.Key, lr.Key);
    }

    internal static double WindowMedian(Series s, long afterStep, long upToStep)
    {
        var window = s.Points.Where(p => p.Step > afterStep && p.Step <= upToStep).Select(p => p.Value).ToArray();
        if (window.Length == 0)
        {
            // no log inside the window: the closest log before it
            var before = s.Points.LastOrDefault(p => p.Step <= upToStep);
            return before == default ? double.NaN : before.Value;
        }

        return SeriesMath.Median(window);
    }

    private static double[] Trajectory(Series s, int from, int to)
    {
        var start = Math.Max(0, from - 1);
        var values = new List<double>();
        for (var i = start; i <= to; i++)
        {
            values.Add(s.Points[i].Value);
        }

        // Long histories: keep the first, the minimum, and the last few.
        return values.Count <= 12 ? [.. values] : [.. values.Take(3), .. values.TakeLast(9)];
    }

    private static string Cap(string s) => char.ToUpperInvariant(s[0]) + s[1..];
}

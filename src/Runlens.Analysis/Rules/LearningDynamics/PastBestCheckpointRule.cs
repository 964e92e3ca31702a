using Runlens.Analysis.Findings;
using Runlens.Analysis.Signals;

namespace Runlens.Analysis.Rules.LearningDynamics;

/// <summary>RL0102: the last evaluation is well past the best one; names the best step and its checkpoint.</summary>
public sealed class PastBestCheckpointRule : IRule
{
    public RuleDescriptor Descriptor { get; } = RuleDescriptor.Create(
        "RL0102", "past-best-checkpoint", "The final weights are past the best checkpoint", RuleCategory.LearningDynamics, Severity.Warning,
        [Signal.ValMetric],
        [typeof(PastBestCheckpointEvidence)],
        new RuleOption("min_evals_past", 2, "Evaluations after the best one before the rule fires"),
        new RuleOption("min_relative_gap", 0.01, "Smallest relative gap between the final and the best value"),
        new RuleOption("error_gap", 0.10, "Relative gap from which the finding is an error"),
        new RuleOption("noise_factor", 3, "A gap no larger than this many median changes between evaluations, reached by ups and downs, is noise: information only"),
        new RuleOption("min_fraction_of_gain", 0.01, "A gap smaller than this share of what the run gained before its best (first evaluation to best) leaves the final weights practically as good: information only"));

    public IEnumerable<Finding> Evaluate(RuleContext context)
    {
        var run = context.Run;
        var metric = run.Primary!;
        var greater = run.PrimaryGreaterIsBetter;
        var v = SeriesValues.Of(metric);
        var b = SeriesMath.ArgBest(v, greater);
        var f = v.Length - 1;
        if (b < 0 || f - b < context.Option("min_evals_past"))
        {
            yield break;
        }

        var best = metric.Points[b];
        var final = metric.Points[f];
        var gap = double.IsFinite(final.Value)
            ? (greater ? -1 : 1) * SeriesMath.RelativeChange(best.Value, final.Value)
            : double.PositiveInfinity;
        if (!(gap >= context.Option("min_relative_gap")))
        {
            yield break;
        }

        var stepsPast = final.Step - best.Step;
        var fraction = final.Step > 0 ? stepsPast / (double)final.Step : 0;
        var checkpoint = Checkpoints.At(run.Run, best.Step);
        var nearest = checkpoint is null ? Checkpoints.AtOrBefore(run.Run, best.Step) : null;
        var vocab = new TrainerVocabulary(run.Run);

        // A best value that is a lucky low of a noisy metric (the gap no larger than noise_factor typical changes between
        // evaluations, reached by ups and downs) does not make the final weights clearly worse: information only.
        var worseSteps = 0;
        for (var i = b + 1; i < v.Length; i++)
        {
            if (double.IsFinite(v[i]) && double.IsFinite(v[i - 1]))
            {
                worseSteps += greater ? (v[i] < v[i - 1] ? 1 : 0) : (v[i] > v[i - 1] ? 1 : 0);
            }
        }

        var typicalChange = SeriesMath.MedianAbsoluteChange(v);

        // A gap is judged against what the run gained too: relative to a best value near zero (a loss that converged to
        // 0.0006) a drift of a hundred-thousandth is "1%", though the final weights gave back nothing the run had won.
        var gain = SeriesMath.GainBefore(v, b, greater);
        var fractionOfGain = gain > 0 && double.IsFinite(final.Value) ? Math.Abs(final.Value - best.Value) / gain : double.NaN;
        var minFraction = context.Option("min_fraction_of_gain");
        var practicallyBest = fractionOfGain < minFraction;
        var noisy = Math.Abs(final.Value - best.Value) < context.Option("noise_factor") * typicalChange && worseSteps < 0.75 * (f - b);
        // A run that learned nothing has no best checkpoint worth keeping: its "best" is where a flat curve happened to dip.
        var progress = LearningProgress.Of(run, metric, greater);
        var evidence = new PastBestCheckpointEvidence(
            Series: metric.Key,
            GreaterIsBetter: greater,
            BestStep: best.Step,
            BestValue: best.Value,
            BestEpoch: best.Epoch,
            FinalStep: final.Step,
            FinalValue: final.Value,
            RelativeGap: gap,
            Threshold: context.Option("min_relative_gap"),
            StepsPastBest: stepsPast,
            EvalsPastBest: f - b,
            PastBestFraction: fraction,
            BestCheckpoint: checkpoint,
            CheckpointsSaved: run.Run.Checkpoints.Length,
            MedianChangeBetweenEvals: typicalChange,
            RelativeGainOnFirst: progress.GainOnFirst,
            RelativeTrainLossDrop: progress.RelativeTrainLossDrop,
            GapFractionOfGain: fractionOfGain,
            ThresholdFractionOfGain: minFraction);

        var recs = new List<Recommendation>();
        if (checkpoint is not null)
        {
            recs.Add(Recommendation.Do(
                $"Use {checkpoint} (best {metric.Key} {Format.Number(best.Value)} at step {Format.Step(best.Step)}) instead of the final weights for evaluation and deployment.",
                [.. vocab.KeepBest(metric, greater)]));
        }
        else
        {
            var changes = vocab.KeepBest(metric, greater).ToList();
            // Save exactly where evaluations happen (the observed interval; the configured eval_steps is unused with
            // per-epoch evaluation).
            var interval = EvalInterval(metric);
            if (vocab.IsHf && interval > 0 && run.Run.Config.Number("save_steps") != interval)
            {
                changes.Add(vocab.Change("save_steps", interval));
            }

            recs.Add(Recommendation.Do(
                nearest is null
                    ? $"No checkpoint of step {Format.Step(best.Step)} is known: save a checkpoint at every evaluation and keep the best one, so the weights of step {Format.Step(best.Step)} ({metric.Key} {Format.Number(best.Value)}) are not lost."
                    : $"No checkpoint was saved at step {Format.Step(best.Step)}; the nearest earlier one is {nearest.Path ?? "checkpoint-" + nearest.Step} (step {Format.Step(nearest.Step)}). Save at every evaluation and keep the best.",
                [.. changes]));
        }

        var severity = gap >= context.Option("error_gap") ? Severity.Error : Severity.Warning;

        if (noisy || progress.NeverLearned || practicallyBest)
        {
            severity = Severity.Info;
        }

        var direction = greater ? "lower" : "higher";

        // The trainer stopped the run early and its best checkpoint is the best evaluation, reloaded at the end: the
        // weights the run ended with are the best ones.
        var t = run.Run.Trainer;
        if (EarlyStopKeptBest.Of(run.Run, best.Step))
        {
            yield return context.Finding(
                Severity.Info,
                0.8,
                $"The last {metric.Key} {Format.Number(final.Value)} is {Format.Percent(gap)} {direction} than the best {Format.Number(best.Value)} at step {Format.Step(best.Step)}, but early stopping ended the run and the trainer kept and reloaded {t.BestCheckpoint}",
                evidence,
                [best.Step, final.Step],
                [Recommendation.Do($"Nothing to change: evaluate and deploy {t.BestCheckpoint}, which the trainer loaded at the end.")],
                null,
                metric.Key);
            yield break;
        }

        // Judged by the validation loss while the task metric kept improving: the final weights may well be the better
        // ones for the task, so this is only information (metric-disagreement says which to trust).
        if (ReferenceEquals(metric, run.ValLoss) && run.TaskMoveAfterLossBest is { } task && task.BestStep > best.Step && task.Gain >= 0.02
            && !TaskGainAtChance.Of(run, task))
        {
            yield return context.Finding(
                Severity.Info,
                0.6,
                $"The final {metric.Key} {Format.Number(final.Value)} is {Format.Percent(gap)} {direction} than the best at step {Format.Step(best.Step)}, but {task.Metric.Key} was best later (step {Format.Step(task.BestStep)}): by the task metric the later weights are better",
                evidence,
                [best.Step, task.BestStep, final.Step],
                [Recommendation.Do($"Select the checkpoint by {task.Metric.Key} rather than {metric.Key}.", [.. vocab.KeepBest(task.Metric, task.GreaterIsBetter)])],
                null,
                metric.Key, task.Metric.Key);
            yield break;
        }

        if (progress.NeverLearned)
        {
            recs = [Recommendation.Do("Find out first why the run learned nothing (the other findings say where to look): no checkpoint of this run is worth keeping.")];
        }

        yield return context.Finding(
            severity,
            0.9,
            $"The final {metric.Key} {Format.Number(final.Value)} is {Format.Percent(gap)} {direction} than the best {Format.Number(best.Value)} at step {Format.Step(best.Step)}: {Format.Step(stepsPast)} steps ({f - b} evaluations) past the best checkpoint"
                + (practicallyBest && !progress.NeverLearned ? $"; but that is {Format.Percent(fractionOfGain)} of the {Format.Number(gain)} the run gained before its best (under {Format.Percent(minFraction)}): the final weights are practically as good" : "")
                + (progress.NeverLearned && !noisy ? $"; but {metric.Key} never improved on its first evaluation by {Format.Percent(LearningProgress.MinGain)} and the training loss fell less than {Format.Percent(LearningProgress.MinTrainDrop)}, so no checkpoint of this run is worth keeping" : ""),
            evidence,
            [best.Step, final.Step],
            recs,
            progress.NeverLearned ? $"The run learned nothing: its best {metric.Key} is where a flat curve happened to dip, and the cause of the flat curve is the thing to fix." : $"Training went on for {Format.Percent(fraction)} of the run after the best evaluation without improving {metric.Key}; the final weights are not the best ones.",
            metric.Key);
    }

    /// <summary>The median step distance between evaluations (0 when fewer than two).</summary>
    internal static long EvalInterval(Model.Series metric)
    {
        if (metric.Count < 2)
        {
            return 0;
        }

        var diffs = new double[metric.Count - 1];
        for (var i = 1; i < metric.Count; i++)
        {
            diffs[i - 1] = metric.Points[i].Step - metric.Points[i - 1].Step;
        }

        return (long)SeriesMath.Median(diffs);
    }
}

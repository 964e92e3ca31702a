using Runlens.Analysis.Findings;
using Runlens.Analysis.Signals;
using Runlens.Model;

namespace Runlens.Analysis.Rules.LearningDynamics;

/// <summary>RL0103: when early stopping with patience P would have stopped (or did stop) the run, and what it saves.</summary>
public sealed class EarlyStoppingRule : IRule
{
    public RuleDescriptor Descriptor { get; } = RuleDescriptor.Create(
        "RL0103", "early-stopping", "Early stopping would have ended the run sooner", RuleCategory.LearningDynamics, Severity.Warning,
        [Signal.ValMetric],
        [typeof(EarlyStoppingEvidence), typeof(EarlyStoppingFiredEvidence), typeof(EarlyStopInferredEvidence)],
        new RuleOption("patience", 3, "Evaluations without improvement before stopping (usual guidance: stop when validation loss rises 3+ evaluations in a row)"),
        new RuleOption("threshold", 0, "Smallest absolute improvement that resets the patience counter (as HF early_stopping_threshold)"),
        new RuleOption("min_saved_fraction", 0.2, "Share of the run's steps saved from which the finding is a warning rather than info"),
        new RuleOption("max_missed_gain", 0.01, "Largest relative improvement after the stop point that stopping may forgo; beyond it the run was still learning and the rule stays quiet"));

    public IEnumerable<Finding> Evaluate(RuleContext context)
    {
        var run = context.Run;
        var metric = run.Primary!;
        var greater = run.PrimaryGreaterIsBetter;
        var trainer = run.Run.Trainer;
        var configured = trainer.EarlyStopping;
        var patience = configured?.Patience is > 0 ? configured.Patience.Value : (int)context.Option("patience");
        var threshold = configured?.Threshold ?? context.Option("threshold");
        var vocab = new TrainerVocabulary(run.Run);

        if (configured is { Fired: true } || run.Run.Events.Any(e => e.Kind == RunEventKind.EarlyStop))
        {
            var stop = metric.Points[^1];
            yield return context.Finding(
                Severity.Info,
                0.95,
                $"Early stopping (patience {patience}) stopped the run at step {Format.Step(stop.Step)}",
                new EarlyStoppingFiredEvidence(
                    Series: metric.Key,
                    Patience: patience,
                    PatienceCounter: configured?.PatienceCounter,
                    StopStep: stop.Step,
                    EvidenceSource: "trainer-state"),
                [stop.Step],
                [Recommendation.Do("Nothing to change: the callback did its job. Make sure the best checkpoint, not the last, is the one you use.",
                    [.. vocab.KeepBest(metric, greater)])],
                series: metric.Key);
            yield break;
        }

        var (stopIndex, counter, bestIndex) = Simulate(metric, greater, patience, threshold);
        var final = metric.Points[^1];
        if (stopIndex >= 0 && stopIndex < metric.Count - 1 && MissedGain(metric, greater, bestIndex) <= context.Option("max_missed_gain"))
        {
            var stop = metric.Points[stopIndex];
            // The checkpoint a stop there keeps is the best evaluation up to it (the trainer keeps any improvement, whatever
            // the patience threshold); the run's best, which the summary names, may come later by less than max_missed_gain.
            var values = SeriesValues.Of(metric);
            var kept = Signals.SeriesMath.ArgBest(values.AsSpan(0, stopIndex + 1), greater);
            kept = kept < 0 ? bestIndex : kept;
            var runBest = Signals.SeriesMath.ArgBest(values, greater);
            runBest = runBest < 0 ? kept : runBest;
            var progress = LearningProgress.Of(run, metric, greater);
            var neverLearned = progress.NeverLearned;
            var saved = final.Step - stop.Step;
            var fraction = final.Step > 0 ? saved / (double)final.Step : 0;
            var seconds = double.IsFinite(final.WallTime) && double.IsFinite(stop.WallTime) ? final.WallTime - stop.WallTime : double.NaN;
            var evidence = new EarlyStoppingEvidence(
                Series: metric.Key,
                Patience: patience,
                ThresholdImprovement: threshold,
                ConfiguredPatience: configured?.Patience,
                BestStep: metric.Points[kept].Step,
                BestValue: metric.Points[kept].Value,
                StopStep: stop.Step,
                StopEval: stopIndex + 1,
                Evals: metric.Count,
                FinalStep: final.Step,
                StepsSaved: saved,
                SavedFraction: fraction,
                SecondsSaved: seconds,
                EvidenceSource: "simulated",
                RunBestStep: metric.Points[runBest].Step,
                RunBestValue: metric.Points[runBest].Value,
                FirstValue: progress.FirstValue,
                RelativeGainOnFirst: progress.GainOnFirst,
                RelativeTrainLossDrop: progress.RelativeTrainLossDrop);
            var changes = new List<ConfigChange> { vocab.Change(vocab.EarlyStoppingPatience, patience) };
            changes.AddRange(vocab.KeepBest(metric, greater));
            var how = vocab.Kind switch
            {
                "hf" => $"Add EarlyStoppingCallback(early_stopping_patience={patience}) with load_best_model_at_end=True",
                "lightning" => $"Add EarlyStopping(monitor=\"{metric.OriginalName}\", mode=\"{(greater ? "max" : "min")}\", patience={patience})",
                "keras" => $"Add EarlyStopping(monitor=\"{metric.OriginalName}\", patience={patience}, restore_best_weights=True)",
                _ => $"Stop after {patience} evaluations without improvement of {metric.Key}",
            };
            var time = double.IsFinite(seconds) && seconds > 0 ? $" and {FormatDuration(seconds)}" : "";
            var keptStep = metric.Points[kept].Step;
            var later = runBest != kept
                ? $" (the run's best, {Format.Number(metric.Points[runBest].Value)} at step {Format.Step(metric.Points[runBest].Step)}, came after that and is within {Format.Percent(context.Option("max_missed_gain"))} of it)"
                : "";
            yield return context.Finding(
                fraction >= context.Option("min_saved_fraction") && !neverLearned ? Severity.Warning : Severity.Info,
                0.85,
                $"Early stopping with patience {patience} would have stopped at step {Format.Step(stop.Step)} (evaluation {stopIndex + 1} of {metric.Count}), saving {Format.Step(saved)} steps ({Format.Percent(fraction)}){time}"
                    + (neverLearned ? $"; but {metric.Key} never improved on its first evaluation by {Format.Percent(LearningProgress.MinGain)} and the training loss fell less than {Format.Percent(LearningProgress.MinTrainDrop)}: the run learned nothing to stop at" : ""),
                evidence,
                [keptStep, stop.Step],
                neverLearned
                    ? [Recommendation.Do("Find out first why the run learned nothing (the other findings say where to look); stopping it sooner would only save compute.")]
                    : [Recommendation.Do($"{how}: the best {metric.Key} came at step {Format.Step(keptStep)} and the following {patience} evaluations did not improve on it{later}.", [.. changes])],
                neverLearned
                    ? $"{metric.Key} stayed where it started: stopping sooner would only save compute; the reason the run learned nothing is the thing to fix."
                    : $"{metric.Key} stopped improving at step {Format.Step(keptStep)}; everything after evaluation {stopIndex + 1} was spent without progress.",
                metric.Key);
            yield break;
        }

        // The log ends before the planned length right after evaluations without improvement: an early stop the
        // trainer did not record (older transformers versions do not save the callback's state).
        var planned = trainer.MaxSteps;
        var ended = trainer.GlobalStep ?? final.Step;
        if (stopIndex < 0 && counter >= 2 && planned is > 0 && ended < planned * 0.95)
        {
            yield return context.Finding(
                Severity.Info,
                0.6,
                $"The run ended at step {Format.Step(ended)} of {Format.Step(planned.Value)} planned, after {counter} evaluation{(counter > 1 ? "s" : "")} without improvement: consistent with early stopping (patience {counter})",
                new EarlyStopInferredEvidence(
                    Series: metric.Key,
                    EvalsWithoutImprovement: counter,
                    BestStep: metric.Points[bestIndex].Step,
                    BestValue: metric.Points[bestIndex].Value,
                    FinalStep: ended,
                    MaxSteps: planned.Value,
                    EvidenceSource: "inferred"),
                [metric.Points[bestIndex].Step, ended],
                [Recommendation.Do($"Use the best checkpoint (step {Format.Step(metric.Points[bestIndex].Step)}), which early stopping keeps when load_best_model_at_end is on.",
                    [.. vocab.KeepBest(metric, greater)])],
                series: metric.Key);
        }
    }

    /// <summary>HF EarlyStoppingCallback semantics: an evaluation improves when it beats the best by more than the threshold.</summary>
    internal static (int StopIndex, int Counter, int BestIndex) Simulate(Series metric, bool greater, int patience, double threshold)
    {
        var bestIndex = -1;
        var counter = 0;
        for (var i = 0; i < metric.Count; i++)
        {
            var value = metric.Points[i].Value;
            var improved = double.IsFinite(value) && (bestIndex < 0
                || ((greater ? value > metric.Points[bestIndex].Value : value < metric.Points[bestIndex].Value)
                    && Math.Abs(value - metric.Points[bestIndex].Value) > threshold));
            if (improved)
            {
                bestIndex = i;
                counter = 0;
            }
            else if (bestIndex >= 0)
            {
                counter++;
                if (counter >= patience)
                {
                    return (i, counter, bestIndex);
                }
            }
        }

        return (-1, counter, Math.Max(bestIndex, 0));
    }

    /// <summary>How much better (relative) the metric got after <paramref name="bestIndex"/>, the best at the stop point.</summary>
    internal static double MissedGain(Series metric, bool greater, int bestIndex)
    {
        var values = SeriesValues.Of(metric);
        var overall = Signals.SeriesMath.ArgBest(values, greater);
        if (overall <= bestIndex)
        {
            return 0;
        }

        return (greater ? 1 : -1) * Signals.SeriesMath.RelativeChange(values[bestIndex], values[overall]);
    }

    private static string FormatDuration(double seconds) =>
        seconds >= 3600 ? $"{Format.Number(seconds / 3600)} h of compute"
        : seconds >= 60 ? $"{Format.Number(seconds / 60)} min of compute"
        : $"{Format.Number(seconds)} s of compute";
}

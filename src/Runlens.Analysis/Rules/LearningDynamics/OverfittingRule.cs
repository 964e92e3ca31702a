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
        new RuleOption("min_rise", 0.05, "Smallest rise of the final validation loss above its minimum, relative to the minimum"),
        new RuleOption("min_evals_after", 2, "Evaluations needed after the minimum before the rise counts"),
        new RuleOption("moderate_rise", 0.15, "Relative rise from which overfitting is moderate"),
        new RuleOption("severe_rise", 0.40, "Relative rise from which overfitting is severe (severity error)"));

    public IEnumerable<Finding> Evaluate(RuleContext context)
    {
        var run = context.Run;
        var val = run.ValLoss!;
        var train = run.TrainLoss!;
        var v = val.Values();
        var m = SeriesMath.ArgBest(v, greaterIsBetter: false);
        var last = SeriesMath.LastFinite(v);
        if (m < 0 || last - m < context.Option("min_evals_after"))
        {
            yield break;
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

        var (level, severity) = rise >= context.Option("severe_rise") ? ("severe", Severity.Error)
            : rise >= context.Option("moderate_rise") ? ("moderate", Severity.Warning)
            : ("mild", Severity.Warning);
        var risesAfter = 0;
        for (var i = m + 1; i <= last; i++)
        {
            if (v[i] > v[i - 1])
            {
                risesAfter++;
            }
        }

        var evalsAfter = last - m;
        var steadiness = risesAfter / (double)evalsAfter;
        var confidence = 0.55 + 0.1 * Math.Min(evalsAfter, 3) + 0.15 * steadiness;

        var vocab = new TrainerVocabulary(run.Run);
        var evidence = Evidence.Builder()
            .Add("level", level)
            .Add("series", val.Key)
            .Add("best_step", best.Step)
            .Add("best_value", best.Value)
            .Add("best_epoch", best.Epoch)
            .Add("final_step", final.Step)
            .Add("final_value", final.Value)
            .Add("relative_rise", rise)
            .Add("threshold", context.Option("min_rise"))
            .Add("evals_after_best", evalsAfter)
            .Add("rises_after_best", risesAfter)
            .Add("train_loss_at_best", trainAtBest)
            .Add("train_loss_final", trainEnd)
            .Add("gap_at_best", best.Value - trainAtBest)
            .Add("gap_final", final.Value - trainEnd)
            .Add("trajectory", Trajectory(val, m, last))
            .Build();

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
            $"{Cap(level)} overfitting: {val.Key} rose {Format.Percent(rise)} from its minimum {Format.Number(best.Value)} at step {Format.Step(best.Step)} to {Format.Number(final.Value)} at step {Format.Step(final.Step)} while {train.Key} fell {Format.Number(trainAtBest)} → {Format.Number(trainEnd)}",
            evidence,
            [best.Step, final.Step],
            recs,
            $"After step {Format.Step(best.Step)} the model keeps fitting the training data ({train.Key} {Format.Number(trainAtBest)} → {Format.Number(trainEnd)}) while {val.Key} gets worse: it is memorising training examples rather than learning what generalises.",
            val.Key, train.Key);
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

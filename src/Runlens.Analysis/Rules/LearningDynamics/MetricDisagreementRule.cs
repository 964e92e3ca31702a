using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules.LearningDynamics;

/// <summary>RL0108: the validation loss and the task metric disagree about the best checkpoint.</summary>
public sealed class MetricDisagreementRule : IRule
{
    public RuleDescriptor Descriptor { get; } = RuleDescriptor.Create(
        "RL0108", "metric-disagreement", "The loss and the task metric disagree about the best checkpoint", RuleCategory.LearningDynamics, Severity.Warning,
        [Signal.ValLoss, Signal.ValMetric],
        new RuleOption("min_evals_apart", 2, "Evaluations between the loss's best and the task metric's best"),
        new RuleOption("min_gain", 0.02, "Relative improvement of the task metric after the loss's best for the two to disagree"));

    public IEnumerable<Finding> Evaluate(RuleContext context)
    {
        var run = context.Run;
        if (run.TaskMoveAfterLossBest is not { } move
            || move.EvalsApart < context.Option("min_evals_apart") || !(move.Gain >= context.Option("min_gain")))
        {
            yield break;
        }

        var loss = run.ValLoss!;
        var m = move.Metric;
        var evidence = Evidence.Builder()
            .Add("loss_series", loss.Key)
            .Add("loss_best_step", move.LossBestStep)
            .Add("loss_best_value", loss.Points.First(p => p.Step == move.LossBestStep).Value)
            .Add("loss_final_value", loss.Last.Value)
            .Add("metric_series", m.Key)
            .Add("metric_greater_is_better", move.GreaterIsBetter)
            .Add("metric_at_loss_best", move.AtLossBest)
            .Add("metric_best_step", move.BestStep)
            .Add("metric_best_value", move.Best)
            .Add("metric_final_value", move.Final)
            .Add("metric_relative_gain", move.Gain)
            .Add("evals_apart", move.EvalsApart)
            .Build();

        var vocab = new TrainerVocabulary(run.Run);
        var selectByLoss = run.Primary is { } p && ReferenceEquals(p, loss);
        var recs = new List<Recommendation>
        {
            Recommendation.Do(
                $"Judge the run and pick checkpoints by {m.Key} (best {Format.Number(move.Best)} at step {Format.Step(move.BestStep)}), not by {loss.Key}.",
                selectByLoss ? [.. vocab.KeepBest(m, move.GreaterIsBetter)] : []),
            Recommendation.Do("If calibrated probabilities matter, the rising loss means over-confidence: add label smoothing or calibrate afterwards (temperature scaling)."),
        };

        yield return context.Finding(
            Severity.Warning,
            0.6 + Math.Min(0.3, 0.05 * move.EvalsApart),
            $"{loss.Key} is best at step {Format.Step(move.LossBestStep)} and gets worse afterwards, but {m.Key} keeps improving ({Format.Number(move.AtLossBest)} → {Format.Number(move.Best)} at step {Format.Step(move.BestStep)}): the two disagree about the best checkpoint",
            evidence,
            [move.LossBestStep, move.BestStep],
            recs,
            $"The model keeps getting better at the task while its loss rises: predictions become more confident, and the few it gets wrong cost more loss. The loss overstates the damage; {m.Key} is the better guide.",
            loss.Key, m.Key);
    }
}

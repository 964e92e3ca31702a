using Runlens.Analysis.Rules.RunAccounting;
using Runlens.Analysis.Signals;
using Runlens.Model;

namespace Runlens.Analysis.Rules.LearningDynamics;

/// <summary>
/// Whether the task metric's gain after the validation loss's best is the noise of a model that learned nothing: the
/// validation predictions are no better than a trivial guess, or the metric is an accuracy or F1 whose best stayed at most
/// 1.5 times a uniform guess (1/K, K from the config, the predictions, or the loss and accuracy agreeing on it). Such a
/// gain says nothing about the task, so it cannot make a rising validation loss "only the loss".
/// </summary>
internal static class TaskGainAtChance
{
    public static bool Of(RunView run, TaskMetricMove move)
    {
        if (run.Predictions is { } predictions && DataAndLabels.PredictionsAtChance.Of(predictions.Evaluation.Metrics).AtChance)
        {
            return true;
        }

        var name = MetricNames.NameOf(move.Metric.Key);
        return move.GreaterIsBetter && (name == "accuracy" || name.Contains("f1", StringComparison.Ordinal))
            && ChanceLevel.Of(run) is { } chance && move.Best <= SuddenMetricDropRule.AtChanceFactor / chance.Classes;
    }
}

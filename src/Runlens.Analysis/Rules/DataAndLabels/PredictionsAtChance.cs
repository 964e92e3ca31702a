using Runlens.Analysis.Metrics;

namespace Runlens.Analysis.Rules.DataAndLabels;

/// <summary>
/// Whether predictions are no better than a trivial guess. Both measures must say so: the accuracy is within two standard
/// errors of the best guess that ignores the input (the larger of 1/K over the K labelled classes and the majority class's
/// share), and the balanced accuracy (mean recall over the labelled classes) is within two standard errors of 1/K, what any
/// guess that ignores the input scores. Accuracy alone would call a detector of a rare class at chance on skewed data (92%
/// accuracy against 91% majority, macro-F1 0.77); balanced accuracy alone would miss nothing but is noisier on small classes.
/// Predictions at chance carry no information about the labels or the classes: what they contradict or confuse is the
/// model's noise, not the data's.
/// </summary>
/// <param name="Accuracy">The model's accuracy.</param>
/// <param name="Chance">The trivial guess's accuracy.</param>
/// <param name="Margin">Two binomial standard errors of <paramref name="Chance"/> over the examples.</param>
/// <param name="BalancedAccuracy">The model's balanced accuracy.</param>
/// <param name="BalancedMargin">Two standard errors of a balanced accuracy of 1/K (recall 1/K in each class, over its examples).</param>
/// <param name="Classes">Classes with at least one label.</param>
internal sealed record PredictionsAtChance(double Accuracy, double Chance, double Margin, double BalancedAccuracy, double BalancedMargin, int Classes)
{
    /// <summary>Accuracy and balanced accuracy both no better than a trivial guess plus their margins (two classes or more).</summary>
    public bool AtChance => Classes >= 2 && Accuracy <= Chance + Margin && BalancedAccuracy <= (1.0 / Classes) + BalancedMargin;

    public static PredictionsAtChance Of(ClassificationMetricsResult metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var n = metrics.Examples;
        var supports = metrics.PerClass.Select(c => c.Support).Where(s => s > 0).ToList();
        if (n <= 0 || supports.Count == 0)
        {
            return new PredictionsAtChance(metrics.Accuracy, double.NaN, double.NaN, metrics.BalancedAccuracy, double.NaN, supports.Count);
        }

        var k = supports.Count;
        var chance = Math.Max(1.0 / k, supports.Max() / (double)n);
        var p = 1.0 / k;
        var balancedVariance = supports.Sum(s => p * (1 - p) / s) / (k * (double)k);
        return new PredictionsAtChance(metrics.Accuracy, chance, 2 * Math.Sqrt(chance * (1 - chance) / n),
            metrics.BalancedAccuracy, 2 * Math.Sqrt(balancedVariance), k);
    }
}

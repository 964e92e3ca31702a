using Runlens.Analysis.Metrics;

namespace Runlens.Reports.Contracts;

/// <summary>One class's ROC and precision-recall curves (one-vs-rest), as scikit-learn's <c>roc_curve</c> and
/// <c>precision_recall_curve</c> give them: <c>positives</c> and <c>negatives</c> count the examples with and without
/// the class as their label.</summary>
public sealed record ClassCurvesJson(long Positives, long Negatives, RocCurveJson Roc, PrCurveJson Pr)
{
    public static ClassCurvesJson From(ClassCurve c)
    {
        ArgumentNullException.ThrowIfNull(c);
        return new(c.Positives, c.Negatives, new RocCurveJson(c.Fpr, c.Tpr, c.RocThresholds, c.RocPoints),
            new PrCurveJson(c.Precision, c.Recall, c.PrThresholds, c.PrPoints));
    }
}

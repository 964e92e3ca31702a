using System.Text.Json.Serialization;
using Runlens.Analysis.Metrics;

namespace Runlens.Reports.Contracts;

/// <summary>The metrics of an evaluation with scikit-learn's names; those that do not apply (ROC-AUC without
/// probabilities, top-k with k ≥ the number of classes, …) are left out, never written as 0.</summary>
public sealed record EvaluationMetricsJson(
    double Accuracy,
    double BalancedAccuracy,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, double>? TopKAccuracy,
    AveragedJson Precision,
    AveragedJson Recall,
    [property: JsonPropertyName("f1")] AveragedJson F1,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] RocAucJson? RocAuc,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] AveragePrecisionJson? AveragePrecision,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? LogLoss,
    double Mcc,
    double CohenKappa,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Brier,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? EntropyMean,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Ece)
{
    public static EvaluationMetricsJson From(ClassificationMetricsResult m)
    {
        ArgumentNullException.ThrowIfNull(m);
        // Top-k with k ≥ the number of classes is 1.0 by construction (scikit-learn warns it is meaningless): left out.
        var topK = new Dictionary<string, double>(StringComparer.Ordinal);
        if (m.Classes.Count > 2 && m.TopK2Accuracy is { } top2)
        {
            topK["2"] = top2;
        }

        if (m.Classes.Count > 3 && m.TopK3Accuracy is { } top3)
        {
            topK["3"] = top3;
        }

        var rocAuc = m.RocAucBinary is null && m.RocAucMacro is null && m.RocAucWeighted is null ? null : new RocAucJson(m.RocAucBinary, m.RocAucMacro, m.RocAucWeighted);
        AveragePrecisionJson? ap = null;
        if (m.AveragePrecisionMacro is { } macro)
        {
            var perClass = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var c in m.PerClass)
            {
                if (c.AveragePrecision is { } v)
                {
                    perClass[c.Class] = v;
                }
            }

            ap = new AveragePrecisionJson(macro, perClass);
        }

        return new(m.Accuracy, m.BalancedAccuracy, topK.Count == 0 ? null : topK, AveragedJson.From(m.Precision), AveragedJson.From(m.Recall),
            AveragedJson.From(m.F1), rocAuc, ap, m.LogLoss, m.MatthewsCorrelation, m.CohenKappa, m.Brier, m.EntropyMean, m.ExpectedCalibrationError);
    }
}

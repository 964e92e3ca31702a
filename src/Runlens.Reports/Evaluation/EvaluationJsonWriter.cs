using System.Text.Json;
using Runlens.Analysis.Metrics;
using Runlens.Reports.Json;

namespace Runlens.Reports.Evaluation;

/// <summary>
/// The classification part of <c>runlens.evaluation/v1</c> (DESIGN.md §2): examples, classes, metrics with scikit-learn's
/// names, per-class scores, the confusion matrix raw and normalised, and the warnings. Metrics that do not apply are left
/// out, never written as 0.
/// </summary>
public static class EvaluationJsonWriter
{
    public const string Schema = "runlens.evaluation/v1";

    /// <summary>Writes the metric properties of the evaluation object (the caller opens and closes it).</summary>
    public static void WriteClassification(Utf8JsonWriter w, ClassificationMetricsResult m)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(m);
        w.WriteNumber("examples", m.Examples);
        w.WriteStartArray("classes");
        foreach (var c in m.Classes)
        {
            w.WriteStringValue(c);
        }

        w.WriteEndArray();
        w.WriteString("positive_class", m.PositiveClass);

        w.WriteStartObject("metrics");
        JsonNumbers.Write(w, "accuracy", m.Accuracy);
        JsonNumbers.Write(w, "balanced_accuracy", m.BalancedAccuracy);
        // Top-k with k ≥ the number of classes is 1.0 by construction (scikit-learn warns it is meaningless): left out.
        var top2 = m.Classes.Count > 2 ? m.TopK2Accuracy : null;
        var top3 = m.Classes.Count > 3 ? m.TopK3Accuracy : null;
        if (top2 is not null || top3 is not null)
        {
            w.WriteStartObject("top_k_accuracy");
            Optional(w, "2", top2);
            Optional(w, "3", top3);
            w.WriteEndObject();
        }

        Averaged(w, "precision", m.Precision);
        Averaged(w, "recall", m.Recall);
        Averaged(w, "f1", m.F1);
        if (m.RocAucBinary is not null || m.RocAucMacro is not null || m.RocAucWeighted is not null)
        {
            w.WriteStartObject("roc_auc");
            Optional(w, "binary", m.RocAucBinary);
            Optional(w, "macro", m.RocAucMacro);
            Optional(w, "weighted", m.RocAucWeighted);
            w.WriteEndObject();
        }

        if (m.AveragePrecisionMacro is { } ap)
        {
            w.WriteStartObject("average_precision");
            JsonNumbers.Write(w, "macro", ap);
            w.WriteStartObject("per_class");
            foreach (var c in m.PerClass)
            {
                Optional(w, c.Class, c.AveragePrecision);
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        Optional(w, "log_loss", m.LogLoss);
        JsonNumbers.Write(w, "mcc", m.MatthewsCorrelation);
        JsonNumbers.Write(w, "cohen_kappa", m.CohenKappa);
        Optional(w, "brier", m.Brier);
        Optional(w, "entropy_mean", m.EntropyMean);
        Optional(w, "ece", m.ExpectedCalibrationError);
        w.WriteEndObject();

        w.WriteStartObject("per_class");
        foreach (var c in m.PerClass)
        {
            w.WriteStartObject(c.Class);
            JsonNumbers.Write(w, "precision", c.Precision);
            JsonNumbers.Write(w, "recall", c.Recall);
            JsonNumbers.Write(w, "f1", c.F1);
            w.WriteNumber("support", c.Support);
            JsonNumbers.Write(w, "specificity", c.Specificity);
            w.WriteEndObject();
        }

        w.WriteEndObject();

        w.WriteStartObject("confusion_matrix");
        w.WriteStartArray("labels");
        foreach (var l in m.Confusion.Labels)
        {
            w.WriteStringValue(l);
        }

        w.WriteEndArray();
        w.WriteStartArray("matrix");
        foreach (var row in m.Confusion.Counts)
        {
            w.WriteStartArray();
            foreach (var v in row)
            {
                w.WriteNumberValue(v);
            }

            w.WriteEndArray();
        }

        w.WriteEndArray();
        w.WriteStartObject("normalized");
        Matrix(w, "true", m.Confusion.ByTrue);
        Matrix(w, "pred", m.Confusion.ByPredicted);
        Matrix(w, "all", m.Confusion.ByAll);
        w.WriteEndObject();
        w.WriteEndObject();

        w.WriteStartArray("warnings");
        foreach (var warning in m.Warnings)
        {
            w.WriteStartObject();
            w.WriteString("metric", warning.Metric);
            w.WriteString("message", warning.Message);
            w.WriteStartArray("classes");
            foreach (var c in warning.Classes)
            {
                w.WriteStringValue(c);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void Averaged(Utf8JsonWriter w, string name, AveragedScore s)
    {
        w.WriteStartObject(name);
        JsonNumbers.Write(w, "macro", s.Macro);
        JsonNumbers.Write(w, "weighted", s.Weighted);
        JsonNumbers.Write(w, "micro", s.Micro);
        w.WriteEndObject();
    }

    private static void Optional(Utf8JsonWriter w, string name, double? v)
    {
        if (v is { } d)
        {
            JsonNumbers.Write(w, name, d);
        }
    }

    private static void Matrix(Utf8JsonWriter w, string name, IReadOnlyList<IReadOnlyList<double>> rows)
    {
        w.WriteStartArray(name);
        foreach (var row in rows)
        {
            w.WriteStartArray();
            foreach (var v in row)
            {
                JsonNumbers.Write(w, v);
            }

            w.WriteEndArray();
        }

        w.WriteEndArray();
    }
}

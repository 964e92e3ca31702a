using System.Text.Json.Serialization;
using Runlens.Analysis.Evaluation;

namespace Runlens.Reports.Contracts;

/// <summary>
/// <c>runlens.evaluation/v2</c>: the metrics of one predictions file with scikit-learn's names and values (DESIGN §2),
/// per-class scores, the confusion matrix raw and normalised, scikit-learn's warnings, entity-level scores for token
/// classification, bootstrap intervals, per-batch accuracy when the file has a batch column, examples to look at, input warnings and the data and label rules' findings.
/// Metrics that do not apply are left out, never written as 0.
/// </summary>
public sealed record EvaluationDocument(
    string Schema,
    string Source,
    int Examples,
    IReadOnlyList<string> Classes,
    string? PositiveClass,
    EvaluationMetricsJson Metrics,
    IReadOnlyDictionary<string, ClassScoresJson> PerClass,
    ConfusionMatrixJson ConfusionMatrix,
    IReadOnlyList<MetricWarningJson> Warnings,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] EntitiesJson? Entities,
    [property: JsonPropertyName("bootstrap_ci95"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, IReadOnlyList<double>>? BootstrapCi95,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] BatchesJson? Batches,
    IReadOnlyList<ExampleJson> HighestEntropy,
    SamplesJson Samples,
    IReadOnlyList<string> InputWarnings,
    IReadOnlyList<FindingJson> Findings)
{
    public const string CurrentSchema = "runlens.evaluation/v2";

    public static EvaluationDocument From(PredictionEvaluation e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var m = e.Metrics;
        var perClass = new Dictionary<string, ClassScoresJson>(StringComparer.Ordinal);
        foreach (var c in m.PerClass)
        {
            perClass[c.Class] = new ClassScoresJson(c.Precision, c.Recall, c.F1, c.Support, c.Specificity);
        }

        Dictionary<string, IReadOnlyList<double>>? intervals = null;
        if (e.Intervals.Count > 0)
        {
            intervals = new(StringComparer.Ordinal);
            foreach (var (name, ci) in e.Intervals.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                intervals[name] = [ci.Low, ci.High];
            }
        }

        return new(CurrentSchema, e.Source, m.Examples, m.Classes, m.PositiveClass, EvaluationMetricsJson.From(m), perClass,
            ConfusionMatrixJson.From(m.Confusion), [.. m.Warnings.Select(w => new MetricWarningJson(w.Metric, w.Message, w.Classes))],
            e.Entities is { } entities ? EntitiesJson.From(entities) : null, intervals,
            e.Batches is { } batches ? BatchesJson.From(batches) : null,
            [.. e.Samples.HighestEntropy.Select(ExampleJson.From)],
            new SamplesJson([.. e.Samples.Correct.Select(ExampleJson.From)], [.. e.Samples.Incorrect.Select(ExampleJson.From)]),
            e.InputWarnings, [.. e.Findings.Select(FindingJson.From)]);
    }
}

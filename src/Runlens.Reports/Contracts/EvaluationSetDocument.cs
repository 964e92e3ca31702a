using System.Text.Json.Serialization;
using Runlens.Analysis.Evaluation;
using Runlens.Analysis.Findings;

namespace Runlens.Reports.Contracts;

/// <summary><c>runlens.evaluation-set/v2</c>: several evaluations, and with <c>--seeds</c> every metric aggregated across
/// them, the best seed and the metric it was chosen by (left out without <c>--seeds</c>), and the seed rules' findings.</summary>
public sealed record EvaluationSetDocument(
    string Schema,
    IReadOnlyList<EvaluationDocument> Evaluations,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, MetricAggregateJson>? Aggregate,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? BestSeed,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? BestBy,
    IReadOnlyList<FindingJson> Findings)
{
    public const string CurrentSchema = "runlens.evaluation-set/v2";

    public static EvaluationSetDocument From(IReadOnlyList<PredictionEvaluation> evaluations, SeedAggregate? aggregate, IReadOnlyList<Finding>? setFindings)
    {
        ArgumentNullException.ThrowIfNull(evaluations);
        Dictionary<string, MetricAggregateJson>? metrics = null;
        if (aggregate is not null)
        {
            metrics = new(StringComparer.Ordinal);
            foreach (var (name, a) in aggregate.Metrics)
            {
                metrics[name] = MetricAggregateJson.From(a);
            }
        }

        return new(CurrentSchema, [.. evaluations.Select(EvaluationDocument.From)], metrics, aggregate?.BestSeed, aggregate?.PrimaryMetric,
            [.. (setFindings ?? []).Select(FindingJson.From)]);
    }
}

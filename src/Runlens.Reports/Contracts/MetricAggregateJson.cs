using System.Text.Json.Serialization;
using Runlens.Analysis.Evaluation;

namespace Runlens.Reports.Contracts;

/// <summary>One metric across seeds: each seed's value, mean, std (ddof 1), min, max, the Student-t 95% interval and the
/// seed that did best on it.</summary>
public sealed record MetricAggregateJson(
    IReadOnlyList<double> Values,
    double Mean,
    double Std,
    double Min,
    double Max,
    [property: JsonPropertyName("ci95")] IReadOnlyList<double> Ci95,
    string? BestSeed)
{
    public static MetricAggregateJson From(MetricAggregate a)
    {
        ArgumentNullException.ThrowIfNull(a);
        return new(a.Values, a.Mean, a.Std, a.Min, a.Max, [a.Ci95.Low, a.Ci95.High], a.BestSeed);
    }
}

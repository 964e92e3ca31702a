using Runlens.Analysis.Diagnoses;
using System.Text.Json.Serialization;
using Runlens.Model;

namespace Runlens.Reports.Contracts;

/// <summary>A point of a series: <c>{"step", "value"}</c>, and <c>epoch</c> when it is known (left out otherwise).</summary>
public sealed record PointJson(long Step, double Value, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Epoch = null)
{
    public static PointJson? From(MetricPoint? p) => p is { } x ? new(x.Step, x.Value, double.IsFinite(x.Epoch) ? x.Epoch : null) : null;

    public static PointJson? From(SeriesPoint? p) => p is { } x ? new(x.Step, x.Value, double.IsFinite(x.Epoch) ? x.Epoch : null) : null;
}

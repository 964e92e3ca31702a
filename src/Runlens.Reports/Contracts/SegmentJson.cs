using System.Text.Json.Serialization;

namespace Runlens.Reports.Contracts;

/// <summary>A segment between change points: sample indices [start, end), the training steps of its first and last samples
/// (left out for a plain values file) and its mean per dimension.</summary>
public sealed record SegmentJson(
    int Start,
    int End,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? FirstStep,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? LastStep,
    IReadOnlyList<double> Mean);

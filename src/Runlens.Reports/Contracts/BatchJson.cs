using System.Text.Json.Serialization;

namespace Runlens.Reports.Contracts;

/// <summary>One batch: its id, size and accuracy; the example ids only in the list of the worst batches.</summary>
public sealed record BatchJson(
    string Batch,
    int Examples,
    double Accuracy,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? ExampleIds);

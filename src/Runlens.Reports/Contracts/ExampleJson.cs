using System.Text.Json.Serialization;
using Runlens.Analysis.Evaluation;

namespace Runlens.Reports.Contracts;

/// <summary>One example of a predictions file: its id, line, label, prediction, and (with probabilities) the entropy and
/// confidence of the prediction.</summary>
public sealed record ExampleJson(
    string ExampleId,
    int Line,
    string Label,
    string Predicted,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Entropy,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Confidence)
{
    public static ExampleJson From(ExampleView x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var scored = double.IsFinite(x.Entropy);
        return new(x.Id, x.Line, x.Label, x.Predicted, scored ? x.Entropy : null, scored ? x.Confidence : null);
    }
}

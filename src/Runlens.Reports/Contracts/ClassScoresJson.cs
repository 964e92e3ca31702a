using System.Text.Json.Serialization;

namespace Runlens.Reports.Contracts;

/// <summary>One class's scores.</summary>
public sealed record ClassScoresJson(double Precision, double Recall, [property: JsonPropertyName("f1")] double F1, long Support, double Specificity);

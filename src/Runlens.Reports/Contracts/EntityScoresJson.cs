using System.Text.Json.Serialization;
using Runlens.Analysis.Entities;

namespace Runlens.Reports.Contracts;

/// <summary>Entity-level precision, recall, F1 and support, as seqeval computes them.</summary>
public sealed record EntityScoresJson(double Precision, double Recall, [property: JsonPropertyName("f1")] double F1, long Support)
{
    public static EntityScoresJson From(EntityScores s)
        => new(s.Precision, s.Recall, s.F1, s.Support);
}

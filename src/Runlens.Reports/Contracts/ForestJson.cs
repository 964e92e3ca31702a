using System.Text.Json.Serialization;

namespace Runlens.Reports.Contracts;

/// <summary>How the random forest was fitted: library, trees, repeats, train and held-out runs, each fit's held-out R² and
/// their mean, the encoding of categorical keys and the importance measure.</summary>
public sealed record ForestJson(
    string Library,
    int Trees,
    int Repeats,
    int TrainRuns,
    int HeldOutRuns,
    [property: JsonPropertyName("held_out_r2")] IReadOnlyList<double> HeldOutR2,
    [property: JsonPropertyName("held_out_r2_mean")] double HeldOutR2Mean,
    string Encoding,
    string Importance);

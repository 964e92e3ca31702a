using System.Text.Json.Serialization;

namespace Runlens.Reports.Contracts;

/// <summary><c>runlens.changepoints/v1</c>: breakpoints as ruptures reports them (segment ends, the last equal to n), the
/// search's parameters, where the signal came from (with the run series and the non-finite points left out, or neither
/// for a plain values file) and the segments.</summary>
public sealed record ChangePointsDocument(
    string Schema,
    IReadOnlyList<int> Breakpoints,
    string Cost,
    double Penalty,
    string PenaltyRule,
    int N,
    int D,
    int MinSize,
    int Jump,
    string Source,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Series,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? SkippedNonFinite,
    IReadOnlyList<SegmentJson> Segments)
{
    public const string CurrentSchema = "runlens.changepoints/v1";
}

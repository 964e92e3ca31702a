using System.Text.Json.Serialization;
using Runlens.Reports.Contracts;

namespace Runlens.Mcp.Answers;

/// <summary><c>get_run</c>: the run object (<see cref="RunJson"/>, as the diagnosis writes it, with its config, checkpoints
/// and events capped), how many config keys, checkpoints and events there are in all, every series with its statistics,
/// and the coverage (without the lists of rules run), written after the run object's fields.</summary>
internal sealed record GetRunAnswer : RunJson
{
    public GetRunAnswer(RunJson run)
        : base(run)
    {
    }

    [JsonPropertyOrder(1)]
    public required int ConfigKeys { get; init; }

    [JsonPropertyOrder(1)]
    public required int CheckpointsTotal { get; init; }

    [JsonPropertyOrder(1)]
    public required int EventsTotal { get; init; }

    [JsonPropertyOrder(1)]
    public required IReadOnlyList<SeriesEntryJson> Series { get; init; }

    [JsonPropertyOrder(1)]
    public required CoverageJson Coverage { get; init; }
}

namespace Runlens.Bench.Soak;

/// <summary>What the writer shares with the reader and the sampler: the run being written, the last finished one, and
/// the points acknowledged so far.</summary>
internal sealed class SoakState
{
    public long Points;

    public string Current { get; set; } = "soak-0";

    public string? Finished { get; set; }

    /// <summary>The latest run with acknowledged points (a run just created has no series to read yet).</summary>
    public string Readable { get; set; } = "soak-0";

    public int Runs { get; set; }

    public long Step { get; set; }
}

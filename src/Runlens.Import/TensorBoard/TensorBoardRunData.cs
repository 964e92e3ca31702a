using System.Globalization;
using Runlens.Model;

namespace Runlens.Import.TensorBoard;

/// <summary>What the event files of one run add up to while they are read: series, hparams, problems found.</summary>
internal sealed class TensorBoardRunData
{
    public SeriesCollector Series { get; } = new();

    /// <summary>Values of the hparams plugin's session_start_info, by name.</summary>
    public Dictionary<string, ConfigValue> HParams { get; } = new(StringComparer.Ordinal);

    public List<Problem> Problems { get; } = [];

    /// <summary>Records whose checksums held and whose Event could be read, over all files.</summary>
    public long GoodRecords { get; set; }

    public double FirstWallTime { get; private set; } = double.NaN;

    public double LastWallTime { get; private set; } = double.NaN;

    public void SeeWallTime(double wall)
    {
        if (!double.IsFinite(wall))
        {
            return;
        }

        if (!(wall >= FirstWallTime))
        {
            FirstWallTime = wall;
        }

        if (!(wall <= LastWallTime))
        {
            LastWallTime = wall;
        }
    }

    public void Add(string file, long? offset, string cause, string hint, RunEventKind kind = RunEventKind.ImportDamage) =>
        Problems.Add(new Problem(file, offset is { } o ? string.Create(CultureInfo.InvariantCulture, $"offset {o}") : null, cause, hint, kind));

    internal sealed record Problem(string File, string? Location, string Cause, string Hint, RunEventKind Kind);
}

using System.Globalization;

namespace Runlens.Bench.Peers;

/// <summary>One row of the <c>peers</c> table: the Runlens process and its peer, each repeated; medians and spreads.</summary>
internal sealed record PeerRow(string Work, string PeerName, IReadOnlyList<ProcessTiming> Runlens, IReadOnlyList<ProcessTiming> Peer, string Target, string Check)
{
    public string Render()
    {
        var runlens = Summary(Runlens);
        var peer = Peer.Count == 0 ? PeerName : $"{PeerName}, {Summary(Peer)}";
        var ratio = Peer.Count == 0 || Peer.Any(p => p.ExitCode != 0)
            ? "—"
            : string.Create(CultureInfo.InvariantCulture, $"{Median(Peer, t => t.WallSeconds) / Median(Runlens, t => t.WallSeconds):F1}× wall, {Median(Peer, t => t.CpuSeconds) / Median(Runlens, t => t.CpuSeconds):F1}× CPU");
        return $"| {Work} | {runlens} | {peer} | {ratio} | {Target} |";
    }

    private static string Summary(IReadOnlyList<ProcessTiming> runs) => runs.Count == 0
        ? "—"
        : string.Create(CultureInfo.InvariantCulture,
            $"{Seconds(Median(runs, t => t.WallSeconds))} ({Seconds(runs.Min(t => t.WallSeconds))}–{Seconds(runs.Max(t => t.WallSeconds))}), CPU {Seconds(Median(runs, t => t.CpuSeconds))}, max RSS {runs.Max(t => t.PeakRssBytes) / 1e6:F0} MB");

    private static string Seconds(double s) => s < 1
        ? string.Create(CultureInfo.InvariantCulture, $"{s * 1000:F0} ms")
        : string.Create(CultureInfo.InvariantCulture, $"{s:F2} s");

    private static double Median(IReadOnlyList<ProcessTiming> runs, Func<ProcessTiming, double> value)
    {
        var sorted = runs.Select(value).Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}

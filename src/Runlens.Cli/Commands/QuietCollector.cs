using System.Runtime;

namespace Runlens.Cli.Commands;

/// <summary>
/// No garbage collection while a large predictions file is read and evaluated (<see cref="GC.TryStartNoGCRegion(long)"/>):
/// what it allocates (the file's bytes, the table, the probabilities, a million example ids, the per-class sort buffers)
/// is nearly all alive until the report is written, so the collections the allocations would trigger (on the 215 MB bench
/// file: 5 of generation 0, 4 of 1 and 2 full ones, 110–240 ms with every thread stopped) mostly copy and mark live data.
/// The budget is 4× the file plus 256 MB, at most a quarter of the memory the process may use; past it the collector runs
/// as usual (the region ends by itself). Only an uncommitted reservation: memory is touched only as it is allocated.
/// </summary>
internal static class QuietCollector
{
    /// <summary>Files from this size get the region (smaller ones allocate too little for a collection to matter).</summary>
    private const long MinFileBytes = 16L << 20;

    /// <summary>Starts the region for <paramref name="file"/> where it is large; true when one was started.</summary>
    public static bool Begin(string file)
    {
        try
        {
            var length = new FileInfo(file).Length;
            if (length < MinFileBytes || GCSettings.LatencyMode == GCLatencyMode.NoGCRegion)
            {
                return false;
            }

            var budget = Math.Min((4 * length) + (256L << 20), GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 4);
            return GC.TryStartNoGCRegion(budget);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
        {
            // no file (the reader says so), or a budget the collector cannot give: collect as usual
            return false;
        }
    }

    /// <summary>Ends the region <see cref="Begin"/> started, unless a collection already ended it.</summary>
    public static void End(bool started)
    {
        if (started && GCSettings.LatencyMode == GCLatencyMode.NoGCRegion)
        {
            try
            {
                GC.EndNoGCRegion();
            }
            catch (InvalidOperationException)
            {
                // ended by a collection in between
            }
        }
    }
}

using Runlens.Import.Tail;
using Runlens.Pipeline.Sources;

namespace Runlens.Live.Watch;

/// <summary>The source for a log on disk: read incrementally where its format allows (<see cref="LogTails"/>), else
/// read whole on each change (<see cref="PathRunSource"/>).</summary>
public static class WatchSources
{
    public static IRunSource ForPath(string path) =>
        LogTails.TryOpen(path) is { } tail ? new TailRunSource(tail) : new PathRunSource(path);
}

using System.Collections.Immutable;
using Runlens.Model;

namespace Runlens.Import;

/// <summary>The runs read from one path, and what was looked at but not read, with why.</summary>
public sealed record ImportResult(ImmutableArray<Run> Runs)
{
    /// <summary>Files and folders under the path that hold no run Runlens could read (a folder of many runs: what was
    /// left out and why), in the order they were met.</summary>
    public ImmutableArray<SkippedPath> Skipped { get; init; } = [];

    public static ImportResult Of(Run run) => new([run]);

    /// <summary>Writes one <c>runlens: skipped PATH: WHY</c> line per skipped path to <paramref name="writer"/> and returns
    /// this result, for front ends that print as they import.</summary>
    public ImportResult WriteSkipped(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        foreach (var s in Skipped)
        {
            writer.WriteLine($"runlens: skipped {s.Path}: {s.Reason}");
        }

        return this;
    }
}

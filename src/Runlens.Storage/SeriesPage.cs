using System.Collections.Immutable;
using Runlens.Model;

namespace Runlens.Storage;

/// <summary>A run of consecutive points of one series, in stored order, and how many the series holds in all.</summary>
/// <param name="Key">The series' key (a series can be asked for by the name it was logged under).</param>
/// <param name="Offset">The position of the first point of <paramref name="Points"/> in the series.</param>
public sealed record SeriesPage(string Key, string OriginalName, long Total, long Offset, ImmutableArray<SeriesPoint> Points)
{
    /// <summary>The position after the page's last point; equal to <see cref="Total"/> on the last page.</summary>
    public long End => Offset + Points.Length;
}

using Runlens.Analysis.Diagnoses;

namespace Runlens.Reports.Contracts;

/// <summary>One series at a glance: its name as logged, point count, first, last, lowest and highest points (null when it
/// has no finite value) and how many values are NaN or infinite.</summary>
public sealed record SeriesStatsJson(string OriginalName, int Count, PointJson? First, PointJson? Last, PointJson? Min, PointJson? Max, int NonFinite)
{
    public static SeriesStatsJson From(SeriesStats s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return new(s.OriginalName, s.Count, PointJson.From(s.First), PointJson.From(s.Last), PointJson.From(s.Min), PointJson.From(s.Max), s.NonFinite);
    }
}

namespace Runlens.Mcp.Answers;

/// <summary>A series of a run in <c>get_run</c>: key, name as logged, point count, first/last/lowest/highest point (null
/// when unknown) and how many values are NaN or infinite.</summary>
internal sealed record SeriesEntryJson(string Key, string LoggedAs, long Points, Reports.Contracts.PointJson? First, Reports.Contracts.PointJson? Last,
    Reports.Contracts.PointJson? Min, Reports.Contracts.PointJson? Max, int NonFinite);

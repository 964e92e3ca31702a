namespace Runlens.Mcp.Answers;

/// <summary>A run <c>import_run</c> stored: identity, format, whether it was new, points added, series and events.</summary>
internal sealed record ImportedRunJson(string Id, string Name, string? Experiment, string Format, string Stored, long PointsAdded, int Series, int Events);

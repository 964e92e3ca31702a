namespace Runlens.Mcp.Answers;

/// <summary>A metric's latest value (highest step).</summary>
internal sealed record LatestMetricJson(double Value, long Step);

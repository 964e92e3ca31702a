namespace Runlens.Server.Contracts;

/// <summary>A metric's latest value, its step and its timestamp (Unix milliseconds).</summary>
internal sealed record StoredMetricJson(double Value, long Step, long Timestamp);

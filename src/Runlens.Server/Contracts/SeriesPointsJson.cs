namespace Runlens.Server.Contracts;

/// <summary>One series as columns: steps, values (NaN and ±Infinity as strings) and timestamps in Unix milliseconds (null
/// where the point has no wall time).</summary>
internal sealed record SeriesPointsJson(string Key, string Name, IReadOnlyList<long> Steps, IReadOnlyList<double> Values, IReadOnlyList<long?> Timestamps);

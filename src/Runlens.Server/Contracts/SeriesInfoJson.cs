namespace Runlens.Server.Contracts;

/// <summary>A series of a run: normalised key, name as logged, point count.</summary>
internal sealed record SeriesInfoJson(string Key, string Name, long Count);

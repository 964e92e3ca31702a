namespace Runlens.Server.Contracts;

/// <summary>The series of a run.</summary>
internal sealed record SeriesListJson(IReadOnlyList<SeriesInfoJson> Series);

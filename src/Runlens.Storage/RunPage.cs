namespace Runlens.Storage;

/// <summary>A page of a run search.</summary>
/// <param name="Runs">The runs, in the search's order, with their params, tags and latest metrics.</param>
/// <param name="NextPageToken">Pass it as <see cref="RunSearch.PageToken"/> for the next page; null on the last one.</param>
/// <param name="Total">How many runs the search selects, when <see cref="RunSearch.CountTotal"/> asked for it.</param>
public sealed record RunPage(IReadOnlyList<RunRecord> Runs, string? NextPageToken, long? Total);

namespace Runlens.Server.Contracts;

/// <summary>A page of the native run search: the matching total, the runs, and the next page's offset and page token (both
/// null on the last page; the offset also null when the page was asked for by token).</summary>
internal sealed record RunsPageJson(long Total, IReadOnlyList<StoredRunJson> Runs, int? NextOffset, string? NextPageToken);

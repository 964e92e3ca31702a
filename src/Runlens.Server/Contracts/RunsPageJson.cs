namespace Runlens.Server.Contracts;

/// <summary>A page of the native run search: the matching total, the runs, and the next page's offset (null on the last page).</summary>
internal sealed record RunsPageJson(int Total, IReadOnlyList<StoredRunJson> Runs, int? NextOffset);

namespace Runlens.Mcp.Answers;

/// <summary><c>list_runs</c>: the matching total, the page asked for, the next page's offset and page token (both null on
/// the last page; the offset also null when the page was asked for by token) and the runs.</summary>
internal sealed record ListRunsAnswer(long Total, int Offset, int Limit, int? NextOffset, string? NextPageToken, IReadOnlyList<ListedRunJson> Runs);

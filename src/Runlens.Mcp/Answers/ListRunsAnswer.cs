namespace Runlens.Mcp.Answers;

/// <summary><c>list_runs</c>: the matching total, the page asked for, the next page's offset (null on the last page) and the runs.</summary>
internal sealed record ListRunsAnswer(int Total, int Offset, int Limit, int? NextOffset, IReadOnlyList<ListedRunJson> Runs);

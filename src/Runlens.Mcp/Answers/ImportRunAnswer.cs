namespace Runlens.Mcp.Answers;

/// <summary><c>import_run</c>: every run found at the path.</summary>
internal sealed record ImportRunAnswer(IReadOnlyList<ImportedRunJson> Runs);

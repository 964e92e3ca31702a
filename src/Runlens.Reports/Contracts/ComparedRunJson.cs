namespace Runlens.Reports.Contracts;

/// <summary>A compared run: its label (how the rest of the document names it), identity, diagnosis status, headline,
/// primary metric and finding count.</summary>
public sealed record ComparedRunJson(string Label, string Id, string Name, SourceJson Source, string Status, string Headline, string? PrimaryMetric, int Findings);

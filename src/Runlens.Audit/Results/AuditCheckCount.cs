namespace Runlens.Audit.Results;

/// <summary>One check of the catalogue in this audit: whether it had anything to look at and what it found.</summary>
/// <param name="Id">Rule id, e.g. <c>RL0706</c>.</param>
/// <param name="Rule">Slug, e.g. <c>blurry-image</c>.</param>
/// <param name="Title">The check's title.</param>
/// <param name="Examined">Examples (or columns, or splits) the check looked at; 0 when it did not apply.</param>
/// <param name="Issues">Issues it found.</param>
/// <param name="Severity"><c>info</c>, <c>warning</c> or <c>error</c> when it found something; null otherwise.</param>
public sealed record AuditCheckCount(string Id, string Rule, string Title, int Examined, int Issues, string? Severity);

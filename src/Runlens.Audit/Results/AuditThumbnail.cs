namespace Runlens.Audit.Results;

/// <summary>A small preview of a flagged image for the HTML page.</summary>
/// <param name="File">The image's path.</param>
/// <param name="Rule">The check that flagged it.</param>
/// <param name="Caption">What is wrong, short.</param>
/// <param name="DataUri">A <c>data:image/jpeg;base64,…</c> URI of at most 128 pixels a side.</param>
public sealed record AuditThumbnail(string File, string Rule, string Caption, string DataUri);

namespace Runlens.Import;

/// <summary>A file or folder that was looked at while reading a path and left out.</summary>
/// <param name="Path">The path, under the one that was given.</param>
/// <param name="Reason">Why it was left out, one sentence without a final full stop.</param>
public sealed record SkippedPath(string Path, string Reason);

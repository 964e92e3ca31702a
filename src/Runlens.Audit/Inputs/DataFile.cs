namespace Runlens.Audit.Inputs;

/// <summary>One file found under a split's folder.</summary>
/// <param name="FullPath">Absolute path.</param>
/// <param name="Id">Path relative to the split's folder, '/'-separated.</param>
/// <param name="DisplayPath">The split's folder as given joined with <paramref name="Id"/>.</param>
/// <param name="Split">The split's name.</param>
/// <param name="Label">Class folder or labels-file value; null when the data has no labels.</param>
/// <param name="Source">The folder holding it, relative to the split.</param>
/// <param name="Kind">Image, audio or table.</param>
internal sealed record DataFile(string FullPath, string Id, string DisplayPath, string Split, string? Label, string Source, ExampleKind Kind);

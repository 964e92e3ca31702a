namespace Runlens.Audit.Inputs;

/// <summary>A split and the folder (or file) it is read from.</summary>
/// <param name="Name">train, val, test, … or <c>all</c>.</param>
/// <param name="Root">Absolute path.</param>
/// <param name="Display">The path as the user wrote it.</param>
internal sealed record SplitSource(string Name, string Root, string Display);

namespace Runlens.Model;

/// <summary>A saved checkpoint.</summary>
/// <param name="Step">Global step it was saved at.</param>
/// <param name="Path">Folder or file, when known.</param>
public sealed record Checkpoint(long Step, string? Path);

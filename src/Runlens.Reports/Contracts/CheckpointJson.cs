namespace Runlens.Reports.Contracts;

/// <summary>A saved checkpoint: its step and path (null when unknown).</summary>
public sealed record CheckpointJson(long Step, string? Path);

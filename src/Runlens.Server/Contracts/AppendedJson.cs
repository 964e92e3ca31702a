namespace Runlens.Server.Contracts;

/// <summary>A batch of points: how many were received and how many were new (a retried batch adds none).</summary>
internal sealed record AppendedJson(long Received, long Added);

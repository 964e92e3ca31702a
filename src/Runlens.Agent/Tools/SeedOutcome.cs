using Runlens.Model;

namespace Runlens.Agent.Tools;

/// <summary>One seed's training run as the trainer tool leaves it.</summary>
/// <param name="Folder">The run's folder (absolute).</param>
/// <param name="Status"><c>finished</c>, <c>failed</c> or <c>timed_out</c>.</param>
/// <param name="Run">The run read back from its folder as <c>runlens analyze DIR</c> reads a <c>runlens run</c> folder
/// (the trainer's log with the process's exit and the failures its output showed), or null when nothing was readable.</param>
/// <param name="Predictions">The validation predictions file, or null when the run wrote none.</param>
/// <param name="Problem">What could not be read but was gone on without (the trainer's log), or null.</param>
public sealed record SeedOutcome(int Seed, string Folder, string Status, int? ExitCode, TimeSpan Elapsed, string? Failure, Run? Run, string? Predictions, string? Problem);

namespace Runlens.Agent.Registry;

/// <summary>One training run of an experiment: one seed.</summary>
/// <param name="Folder">The run's folder, relative to the project (its <c>process.json</c>, <c>output.log</c>, the
/// trainer's <c>runlens.jsonl</c>, <c>predictions.csv</c> and checkpoints).</param>
/// <param name="RunId">The run's id in the store (tagged with the goal's correlation id), or null when it was not stored.</param>
/// <param name="Status"><c>finished</c>, <c>failed</c> (non-zero exit) or <c>timed_out</c> (killed at the wall-clock limit).</param>
/// <param name="Failure">What went wrong, one line (the crash the output showed, or the time-out), or null.</param>
public sealed record SeedRunRecord(int Seed, string Folder, string? RunId, string Status, int? ExitCode, double Seconds, string? Failure);

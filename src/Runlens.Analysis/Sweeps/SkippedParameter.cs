namespace Runlens.Analysis.Sweeps;

/// <summary>A config key that varies across the runs but is not analysed, and why.</summary>
public sealed record SkippedParameter(string Key, string Reason);

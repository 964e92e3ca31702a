namespace Runlens.Reports.Contracts;

/// <summary>A signal the run does not log, the rules it blocks, and how to log it.</summary>
public sealed record MissingSignalJson(string Signal, IReadOnlyList<string> Blocks, string HowToLog);

using Runlens.Model;

namespace Runlens.Reports.Contracts;

/// <summary>A config key whose value differs between runs: its kind (setting, seed, bookkeeping) and each run's value by
/// label (null when the run does not set it).</summary>
public sealed record ConfigDifferenceJson(string Key, string Kind, IReadOnlyDictionary<string, ConfigValue?> Values);

using Runlens.Model;

namespace Runlens.Analysis.Findings;

/// <summary>A concrete configuration change: <c>{"learning_rate": {"from": 1e-4, "to": 5e-5}}</c>. From is null when the
/// setting is absent or unknown.</summary>
public sealed record ConfigChange(string Key, ConfigValue? From, ConfigValue To);

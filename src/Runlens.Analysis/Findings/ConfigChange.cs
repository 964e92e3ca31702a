using Runlens.Model;

namespace Runlens.Analysis.Findings;

/// <summary>A concrete configuration change: <c>{"learning_rate": {"from": 1e-4, "to": 5e-5}}</c>. From is null when the
/// setting is absent or unknown.</summary>
public sealed record ConfigChange(string Key, ConfigValue? From, ConfigValue To)
{
    /// <summary>Where the trainer takes the key (<c>TrainingArguments</c>, <c>EarlyStoppingCallback</c>, Lightning
    /// <c>Trainer</c>, Keras <c>fit</c>, …); set on a diagnosis' changes, null where it is not known.</summary>
    public string? Destination { get; init; }
}

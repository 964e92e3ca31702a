using Runlens.Analysis.Findings;
using Runlens.Model;

namespace Runlens.Reports.Contracts;

/// <summary>One suggested config change: the value now (null when unset), the value to try, and where the trainer takes
/// the key (<c>TrainingArguments</c>, <c>EarlyStoppingCallback</c>, Lightning <c>Trainer</c>, Keras <c>fit</c>, …; null
/// where it is not known, as in a comparison).</summary>
public sealed record ConfigChangeJson(ConfigValue? From, ConfigValue To, string? Destination)
{
    /// <summary><c>{key: {"from", "to"}}</c>, in the order given.</summary>
    public static IReadOnlyDictionary<string, ConfigChangeJson> Map(IEnumerable<ConfigChange> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var map = new Dictionary<string, ConfigChangeJson>(StringComparer.Ordinal);
        foreach (var c in changes)
        {
            map[c.Key] = new ConfigChangeJson(c.From, c.To, c.Destination);
        }

        return map;
    }
}

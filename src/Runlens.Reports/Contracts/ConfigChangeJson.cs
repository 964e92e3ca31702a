using Runlens.Analysis.Findings;
using Runlens.Model;

namespace Runlens.Reports.Contracts;

/// <summary>One suggested config change: the value now (null when unset) and the value to try.</summary>
public sealed record ConfigChangeJson(ConfigValue? From, ConfigValue To)
{
    /// <summary><c>{key: {"from", "to"}}</c>, in the order given.</summary>
    public static IReadOnlyDictionary<string, ConfigChangeJson> Map(IEnumerable<ConfigChange> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var map = new Dictionary<string, ConfigChangeJson>(StringComparer.Ordinal);
        foreach (var c in changes)
        {
            map[c.Key] = new ConfigChangeJson(c.From, c.To);
        }

        return map;
    }
}

using System.Collections.Immutable;

namespace Runlens.Model;

/// <summary>Hyperparameters and settings with flattened dotted keys, sorted.</summary>
public sealed record RunConfig(ImmutableSortedDictionary<string, ConfigValue> Values)
{
    public static RunConfig Empty { get; } = new(ImmutableSortedDictionary<string, ConfigValue>.Empty.WithComparers(StringComparer.Ordinal));

    public int Count => Values.Count;

    public ConfigValue? Get(string key) => Values.TryGetValue(key, out var v) ? v : null;

    /// <summary>The first of <paramref name="keys"/> that holds a number.</summary>
    public double? Number(params ReadOnlySpan<string> keys)
    {
        foreach (var key in keys)
        {
            if (Values.TryGetValue(key, out var v) && v.Kind == ConfigValueKind.Number)
            {
                return v.Number;
            }
        }

        return null;
    }

    public RunConfig With(string key, ConfigValue value) => new(Values.SetItem(key, value));

    public RunConfig Merge(RunConfig other) => new(Values.SetItems(other.Values));

    public static RunConfig From(IEnumerable<KeyValuePair<string, ConfigValue>> values)
    {
        var b = ImmutableSortedDictionary.CreateBuilder<string, ConfigValue>(StringComparer.Ordinal);
        foreach (var (k, v) in values)
        {
            b[k] = v;
        }

        return new RunConfig(b.ToImmutable());
    }
}

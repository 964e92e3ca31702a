using System.Collections.Immutable;

namespace Runlens.Analysis.Findings;

/// <summary>
/// Named numbers and facts behind a finding, in the order a reader should see them. A value is a <see cref="double"/>,
/// <see cref="long"/>, <see cref="int"/>, <see cref="bool"/>, <see cref="string"/>, an array of those, a nested
/// <see cref="Evidence"/>, or null.
/// </summary>
public sealed record Evidence(ImmutableArray<KeyValuePair<string, object?>> Items)
{
    public static Evidence Empty { get; } = new(ImmutableArray<KeyValuePair<string, object?>>.Empty);

    public object? this[string name] => Items.FirstOrDefault(i => i.Key == name).Value;

    public bool Has(string name) => Items.Any(i => i.Key == name);

    public static EvidenceBuilder Builder() => new();
}

/// <summary>Builds <see cref="Evidence"/> in insertion order.</summary>
public sealed class EvidenceBuilder
{
    private readonly ImmutableArray<KeyValuePair<string, object?>>.Builder _items = ImmutableArray.CreateBuilder<KeyValuePair<string, object?>>();

    public EvidenceBuilder Add(string name, object? value)
    {
        _items.Add(new(name, value));
        return this;
    }

    public Evidence Build() => new(_items.ToImmutable());
}

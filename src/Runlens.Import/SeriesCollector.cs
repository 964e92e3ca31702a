using System.Collections.Immutable;
using Runlens.Model;

namespace Runlens.Import;

/// <summary>
/// Collects points by original name while an importer reads, then builds normalised <see cref="Series"/>. When two
/// original names normalise to the same key, the first keeps the key and the other keeps its original name as key,
/// so nothing is merged or dropped silently.
/// </summary>
public sealed class SeriesCollector
{
    private readonly Dictionary<string, List<SeriesPoint>> _byName = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];
    private readonly Func<string, string> _normalize;

    /// <param name="normalize">Maps an original name to a key; defaults to <see cref="MetricNames.Normalize"/> with bare
    /// names in the <c>train</c> split.</param>
    public SeriesCollector(Func<string, string>? normalize = null)
    {
        _normalize = normalize ?? (n => MetricNames.Normalize(n));
    }

    public int NameCount => _order.Count;

    public void Add(string originalName, SeriesPoint point)
    {
        if (!_byName.TryGetValue(originalName, out var list))
        {
            list = [];
            _byName[originalName] = list;
            _order.Add(originalName);
        }

        list.Add(point);
    }

    public void Add(string originalName, long step, double value, double epoch = double.NaN, double wallTime = double.NaN) =>
        Add(originalName, new SeriesPoint(step, value, epoch, wallTime));

    public ImmutableSortedDictionary<string, Series> Build()
    {
        var b = ImmutableSortedDictionary.CreateBuilder<string, Series>(StringComparer.Ordinal);
        foreach (var name in _order)
        {
            var key = _normalize(name);
            if (b.ContainsKey(key))
            {
                key = name;
            }

            var n = 2;
            var baseKey = key;
            while (b.ContainsKey(key))
            {
                key = $"{baseKey}#{n++}";
            }

            b[key] = new Series(key, name, [.. _byName[name]]);
        }

        return b.ToImmutable();
    }
}

using System.Collections.Immutable;
using System.Runtime.InteropServices;
using Runlens.Model;

namespace Runlens.Import;

/// <summary>
/// Collects points by original name while an importer reads, then builds normalised <see cref="Series"/>. When two
/// original names normalise to the same key, the first keeps the key and the other keeps its original name as key,
/// so nothing is merged or dropped silently. Points are kept in chunks (no doubling-and-copying of one big list),
/// and each series' chunks are released as soon as its final array is built, so peak memory stays close to the data.
/// </summary>
public sealed class SeriesCollector
{
    private readonly Dictionary<string, PointChunks> _byName = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];
    private readonly Func<string, string> _normalize;

    /// <param name="normalize">Maps an original name to a key; defaults to <see cref="MetricNames.Normalize"/> with bare
    /// names in the <c>train</c> split.</param>
    public SeriesCollector(Func<string, string>? normalize = null)
    {
        _normalize = normalize ?? (n => MetricNames.Normalize(n));
    }

    public int NameCount => _order.Count;

    /// <summary>Called with each point as it is added (a watcher looking at what a tailed log just gained).</summary>
    public Action<string, SeriesPoint>? Added { get; set; }

    public void Add(string originalName, SeriesPoint point)
    {
        ChunksOf(originalName).Add(point);
        Added?.Invoke(originalName, point);
    }

    public void Add(string originalName, long step, double value, double epoch = double.NaN, double wallTime = double.NaN) =>
        Add(originalName, new SeriesPoint(step, value, epoch, wallTime));

    /// <summary>Appends <paramref name="points"/> in order, as many <see cref="Add(string, SeriesPoint)"/> calls would
    /// (one name lookup for all of them).</summary>
    public void AddRange(string originalName, ReadOnlySpan<SeriesPoint> points)
    {
        ChunksOf(originalName).AddRange(points);
        Notify(originalName, points);
    }

    /// <summary>Appends <paramref name="points"/> (all of them, in order) and takes the array over: the caller must not
    /// touch it again. When they are a name's only points, the built series holds this very array (no copy).</summary>
    public void AddOwned(string originalName, SeriesPoint[] points)
    {
        ArgumentNullException.ThrowIfNull(points);
        ChunksOf(originalName).AddOwned(points);
        Notify(originalName, points);
    }

    private PointChunks ChunksOf(string originalName)
    {
        if (!_byName.TryGetValue(originalName, out var chunks))
        {
            chunks = new PointChunks();
            _byName[originalName] = chunks;
            _order.Add(originalName);
        }

        return chunks;
    }

    private void Notify(string originalName, ReadOnlySpan<SeriesPoint> points)
    {
        if (Added is { } added)
        {
            foreach (var point in points)
            {
                added(originalName, point);
            }
        }
    }

    public ImmutableSortedDictionary<string, Series> Build() => Build(release: true, null);

    /// <summary>As <see cref="Build()"/>, keeping only the series whose keys <paramref name="keep"/> accepts.</summary>
    public ImmutableSortedDictionary<string, Series> Build(Func<string, bool>? keep) => Build(release: true, keep);

    /// <summary>The series as collected so far, keyed as <see cref="Build()"/> keys them, leaving the collector able to
    /// take more points (a log being tailed); <paramref name="keep"/> chooses series by key.</summary>
    public ImmutableSortedDictionary<string, Series> Snapshot(Func<string, bool>? keep = null) => Build(release: false, keep);

    private ImmutableSortedDictionary<string, Series> Build(bool release, Func<string, bool>? keep)
    {
        var taken = new HashSet<string>(StringComparer.Ordinal);
        var b = ImmutableSortedDictionary.CreateBuilder<string, Series>(StringComparer.Ordinal);
        foreach (var name in _order)
        {
            var key = _normalize(name);
            if (taken.Contains(key))
            {
                key = name;
            }

            var n = 2;
            var baseKey = key;
            while (taken.Contains(key))
            {
                key = $"{baseKey}#{n++}";
            }

            taken.Add(key);
            if (keep is not null && !keep(key))
            {
                continue;
            }

            var chunks = _byName[name];
            b[key] = new Series(key, name, ImmutableCollectionsMarshal.AsImmutableArray(release ? chunks.ToArray() : chunks.Copy()));
            if (release)
            {
                _byName[name] = PointChunks.Released;
            }
        }

        return b.ToImmutable();
    }
}

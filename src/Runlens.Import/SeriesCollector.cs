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
    private readonly Dictionary<string, Chunks> _byName = new(StringComparer.Ordinal);
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
        if (!_byName.TryGetValue(originalName, out var chunks))
        {
            chunks = new Chunks();
            _byName[originalName] = chunks;
            _order.Add(originalName);
        }

        chunks.Add(point);
    }

    public void Add(string originalName, long step, double value, double epoch = double.NaN, double wallTime = double.NaN) =>
        Add(originalName, new SeriesPoint(step, value, epoch, wallTime));

    /// <summary>Appends <paramref name="points"/> in order, as many <see cref="Add(string, SeriesPoint)"/> calls would
    /// (one name lookup for all of them).</summary>
    public void AddRange(string originalName, ReadOnlySpan<SeriesPoint> points)
    {
        if (!_byName.TryGetValue(originalName, out var chunks))
        {
            chunks = new Chunks();
            _byName[originalName] = chunks;
            _order.Add(originalName);
        }

        chunks.AddRange(points);
    }

    /// <summary>Appends <paramref name="points"/> (all of them, in order) and takes the array over: the caller must not
    /// touch it again. When they are a name's only points, the built series holds this very array (no copy).</summary>
    public void AddOwned(string originalName, SeriesPoint[] points)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (!_byName.TryGetValue(originalName, out var chunks))
        {
            chunks = new Chunks();
            _byName[originalName] = chunks;
            _order.Add(originalName);
        }

        chunks.AddOwned(points);
    }

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

            var chunks = _byName[name];
            b[key] = new Series(key, name, ImmutableCollectionsMarshal.AsImmutableArray(chunks.ToArray()));
            _byName[name] = Chunks.Released;
        }

        return b.ToImmutable();
    }

    /// <summary>Points in chunks of growing size (up to 16,384), copied once into an exact array at the end.</summary>
    private sealed class Chunks
    {
        private const int MaxChunk = 16_384;
        private readonly List<SeriesPoint[]> _full = [];
        private SeriesPoint[] _current = new SeriesPoint[16];
        private int _used;
        private int _count;

        public static Chunks Released { get; } = new();

        public void Add(SeriesPoint point)
        {
            if (_used == _current.Length)
            {
                _full.Add(_current);
                _current = new SeriesPoint[Math.Min(MaxChunk, _current.Length * 2)];
                _used = 0;
            }

            _current[_used++] = point;
            _count++;
        }

        public void AddRange(ReadOnlySpan<SeriesPoint> points)
        {
            while (points.Length > 0)
            {
                if (_used == _current.Length)
                {
                    _full.Add(_current);
                    _current = new SeriesPoint[Math.Min(MaxChunk, _current.Length * 2)];
                    _used = 0;
                }

                var n = Math.Min(points.Length, _current.Length - _used);
                points[..n].CopyTo(_current.AsSpan(_used));
                _used += n;
                _count += n;
                points = points[n..];
            }
        }

        public void AddOwned(SeriesPoint[] points)
        {
            if (_used > 0)
            {
                AddRange(points);
                return;
            }

            _full.Add(points); // a full chunk like the others, placed before the (empty) current one
            _count += points.Length;
        }

        public SeriesPoint[] ToArray()
        {
            if (_full.Count == 1 && _used == 0 && _full[0].Length == _count)
            {
                var only = _full[0];
                _full.Clear();
                _current = [];
                return only;
            }

            var result = new SeriesPoint[_count];
            var at = 0;
            foreach (var chunk in _full)
            {
                chunk.CopyTo(result, at);
                at += chunk.Length;
            }

            Array.Copy(_current, 0, result, at, _used);
            _full.Clear();
            _current = [];
            return result;
        }
    }
}

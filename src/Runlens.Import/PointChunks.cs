using Runlens.Model;

namespace Runlens.Import;

/// <summary>Points in arrays of growing size (up to 16,384), so that a million points are never doubled and copied as
/// one list would be; copied once into an exact array (or a caller's span) at the end.</summary>
internal sealed class PointChunks
{
    private const int MaxChunk = 16_384;
    private readonly List<SeriesPoint[]> _full = [];
    private SeriesPoint[] _current = new SeriesPoint[16];
    private int _used;

    /// <summary>Chunks whose points were taken (<see cref="ToArray"/> with release).</summary>
    public static PointChunks Released { get; } = new();

    public int Count { get; private set; }

    public void Add(SeriesPoint point)
    {
        if (_used == _current.Length)
        {
            Grow();
        }

        _current[_used++] = point;
        Count++;
    }

    public void AddRange(ReadOnlySpan<SeriesPoint> points)
    {
        while (points.Length > 0)
        {
            if (_used == _current.Length)
            {
                Grow();
            }

            var n = Math.Min(points.Length, _current.Length - _used);
            points[..n].CopyTo(_current.AsSpan(_used));
            _used += n;
            Count += n;
            points = points[n..];
        }
    }

    /// <summary>Appends <paramref name="points"/> and takes the array over (see <c>SeriesCollector.AddOwned</c>).</summary>
    public void AddOwned(SeriesPoint[] points)
    {
        if (_used > 0)
        {
            AddRange(points);
            return;
        }

        _full.Add(points); // a full chunk like the others, placed before the (empty) current one
        Count += points.Length;
    }

    /// <summary>The points so far, leaving the chunks as they are.</summary>
    public SeriesPoint[] Copy()
    {
        var result = new SeriesPoint[Count];
        var at = 0;
        foreach (var chunk in _full)
        {
            chunk.CopyTo(result, at);
            at += chunk.Length;
        }

        Array.Copy(_current, 0, result, at, _used);
        return result;
    }

    /// <summary>The points, and the chunks let go: a single full chunk is returned as it is, without a copy.</summary>
    public SeriesPoint[] ToArray()
    {
        if (_full.Count == 1 && _used == 0 && _full[0].Length == Count)
        {
            var only = _full[0];
            _full.Clear();
            _current = [];
            return only;
        }

        var result = new SeriesPoint[Count];
        MoveTo(result);
        return result;
    }

    /// <summary>Copies every point, in order, to the start of <paramref name="into"/>, and lets go of each array as soon
    /// as it is copied.</summary>
    public void MoveTo(Span<SeriesPoint> into)
    {
        for (var i = 0; i < _full.Count; i++)
        {
            var array = _full[i];
            _full[i] = [];
            array.CopyTo(into);
            into = into[array.Length..];
        }

        _current.AsSpan(0, _used).CopyTo(into);
        _full.Clear();
        _current = [];
        _used = 0;
    }

    private void Grow()
    {
        _full.Add(_current);
        _current = new SeriesPoint[Math.Min(MaxChunk, _current.Length * 2)];
        _used = 0;
    }
}

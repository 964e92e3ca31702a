using Runlens.Model;

namespace Runlens.Import.HfTrainer;

/// <summary>One name's points within one chunk of <c>log_history</c>, kept in arrays of growing size (up to 16,384) so
/// that a million points are never doubled and copied as one list would be.</summary>
internal sealed class HfPointChunks
{
    private const int MaxChunk = 16_384;
    private readonly List<SeriesPoint[]> _full = [];
    private SeriesPoint[] _current = new SeriesPoint[16];
    private int _used;

    /// <summary>Points added before the chunk's first entry with a step of its own: their step is the last step of the
    /// chunks before, known only when the chunks are joined.</summary>
    public int Leading { get; set; }

    public int Count { get; private set; }

    public void Add(SeriesPoint point)
    {
        if (_used == _current.Length)
        {
            _full.Add(_current);
            _current = new SeriesPoint[Math.Min(MaxChunk, _current.Length * 2)];
            _used = 0;
        }

        _current[_used++] = point;
        Count++;
    }

    /// <summary>Copies every point, in order, to the start of <paramref name="into"/>, giving the leading points
    /// <paramref name="carriedStep"/>, and lets go of the arrays as it goes.</summary>
    public void MoveTo(Span<SeriesPoint> into, long carriedStep)
    {
        var leading = Leading;
        for (var i = 0; i < _full.Count; i++)
        {
            var array = _full[i];
            _full[i] = [];
            array.CopyTo(into);
            Patch(into[..array.Length], ref leading, carriedStep);
            into = into[array.Length..];
        }

        _current.AsSpan(0, _used).CopyTo(into);
        Patch(into[.._used], ref leading, carriedStep);
        _full.Clear();
        _current = [];
        _used = 0;
    }

    private static void Patch(Span<SeriesPoint> points, ref int leading, long step)
    {
        var n = Math.Min(leading, points.Length);
        for (var i = 0; i < n; i++)
        {
            points[i] = points[i] with { Step = step };
        }

        leading -= n;
    }
}

using Runlens.Model;

namespace Runlens.Server.Native;

/// <summary>
/// The extremes-keeping reduction of <c>Downsample.MinMax</c>, fed one point at a time when the number of points
/// <c>n</c> is known beforehand: the first and last point, and per bucket of consecutive interior points its lowest,
/// highest and first non-finite point in their original order — the same points, held for one bucket at a time.
/// </summary>
internal sealed class StreamingMinMax
{
    private readonly long _n;
    private readonly int _buckets;
    private readonly long _interior;
    private readonly List<SeriesPoint> _output = [];
    private long _index;
    private int _bucket;
    private long _bucketEnd;
    private (long I, SeriesPoint P)? _min;
    private (long I, SeriesPoint P)? _max;
    private (long I, SeriesPoint P)? _nonFinite;

    public StreamingMinMax(long n, int maxPoints)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPoints, 4);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(n, maxPoints);
        _n = n;
        _interior = n - 2;
        _buckets = (maxPoints - 2) / 2;
        _bucketEnd = 1 + (_interior / _buckets);
    }

    public void Add(SeriesPoint p)
    {
        var i = _index++;
        if (i == 0 || i == _n - 1)
        {
            if (i == _n - 1)
            {
                Close();
            }

            _output.Add(p);
            return;
        }

        while (i >= _bucketEnd)
        {
            Close();
        }

        var v = p.Value;
        if (!double.IsFinite(v))
        {
            _nonFinite ??= (i, p);
        }
        else
        {
            if (_min is not { } lo || v < lo.P.Value)
            {
                _min = (i, p);
            }

            if (_max is not { } hi || v > hi.P.Value)
            {
                _max = (i, p);
            }
        }
    }

    /// <summary>The reduced points; every one of the <c>n</c> points must have been added.</summary>
    public IReadOnlyList<SeriesPoint> Result => _index == _n ? _output : throw new InvalidOperationException($"{_index} of {_n} points were added");

    private void Close()
    {
        if (_bucket >= _buckets)
        {
            return;
        }

        foreach (var (_, p) in new[] { _min, _max, _nonFinite }.OfType<(long I, SeriesPoint P)>().DistinctBy(x => x.I).OrderBy(x => x.I))
        {
            _output.Add(p);
        }

        (_min, _max, _nonFinite) = (null, null, null);
        _bucket++;
        _bucketEnd = 1 + ((_bucket + 1) * _interior / _buckets);
    }
}

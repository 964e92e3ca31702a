using System.Collections.Immutable;
using Runlens.Model;

namespace Runlens.Analysis.Signals;

/// <summary>Reduces long series to a bounded number of points for display without hiding spikes or non-finite values.</summary>
public static class Downsample
{
    /// <summary>
    /// Min/max-per-bucket reduction. The first and last points are always kept; the points between them are split, in
    /// their order, into <c>⌊(maxPoints − 2) / 2⌋</c> buckets of consecutive points whose sizes differ by at most one.
    /// From each bucket the minimum and maximum finite point are kept (one point when they coincide; the first
    /// occurrence on ties) and, when the bucket holds non-finite values (NaN, ±Infinity), its first non-finite point.
    /// The output is in original order without duplicates, so steps keep their logged order.
    /// </summary>
    /// <remarks>
    /// Size bound: at most <c>maxPoints</c> points plus one for every bucket holding a non-finite value (the endpoints
    /// are kept whether finite or not and need no allowance). A series of at most <paramref name="maxPoints"/> points is
    /// returned unchanged. One pass, O(n); the only allocation is the output.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxPoints"/> is below 4.</exception>
    public static ImmutableArray<SeriesPoint> MinMax(ImmutableArray<SeriesPoint> points, int maxPoints)
    {
        if (maxPoints < 4)
        {
            throw new ArgumentOutOfRangeException(nameof(maxPoints), maxPoints, "maxPoints must be at least 4");
        }

        if (points.IsDefault)
        {
            throw new ArgumentException("points is a default (uninitialised) array", nameof(points));
        }

        var n = points.Length;
        if (n <= maxPoints)
        {
            return points;
        }

        var span = points.AsSpan();
        var interior = n - 2;                  // > maxPoints − 2 ≥ 2·buckets, so every bucket is non-empty
        var buckets = (maxPoints - 2) / 2;     // ≥ 1 since maxPoints ≥ 4
        var output = ImmutableArray.CreateBuilder<SeriesPoint>(2 + (3 * buckets));
        output.Add(span[0]);

        Span<int> keep = stackalloc int[3];
        for (var b = 0; b < buckets; b++)
        {
            var start = 1 + (int)((long)b * interior / buckets);
            var end = 1 + (int)((long)(b + 1) * interior / buckets);
            int min = -1, max = -1, nonFinite = -1;
            double minValue = double.PositiveInfinity, maxValue = double.NegativeInfinity;
            for (var i = start; i < end; i++)
            {
                var v = span[i].Value;
                if (!Finite.Is(v))
                {
                    if (nonFinite < 0)
                    {
                        nonFinite = i;
                    }
                }
                else
                {
                    if (min < 0 || v < minValue)
                    {
                        min = i;
                        minValue = v;
                    }

                    if (max < 0 || v > maxValue)
                    {
                        max = i;
                        maxValue = v;
                    }
                }
            }

            var count = 0;
            Insert(keep, ref count, min);
            Insert(keep, ref count, max);
            Insert(keep, ref count, nonFinite);
            for (var k = 0; k < count; k++)
            {
                output.Add(span[keep[k]]);
            }
        }

        output.Add(span[n - 1]);
        return output.DrainToImmutable();
    }

    /// <summary>Inserts a non-negative index into the sorted, duplicate-free prefix <c>keep[..count]</c>.</summary>
    private static void Insert(Span<int> keep, ref int count, int index)
    {
        if (index < 0)
        {
            return;
        }

        var at = count;
        while (at > 0 && keep[at - 1] > index)
        {
            at--;
        }

        if (at > 0 && keep[at - 1] == index)
        {
            return;
        }

        for (var k = count; k > at; k--)
        {
            keep[k] = keep[k - 1];
        }

        keep[at] = index;
        count++;
    }
}

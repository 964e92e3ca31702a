using Runlens.Model;

namespace Runlens.Analysis.Signals;

/// <summary>The logged learning rate in effect at a step: the last value logged at or before it (the first one before any).</summary>
internal sealed class LearningRateAt
{
    private readonly long[] _steps;
    private readonly double[] _values;

    private LearningRateAt(long[] steps, double[] values)
    {
        _steps = steps;
        _values = values;
    }

    /// <summary>The lookup for <paramref name="series"/>, or null when fewer than two learning rates were logged.</summary>
    public static LearningRateAt? Of(Series? series) =>
        series is { Count: >= 2 } s ? new LearningRateAt(s.Steps(), SeriesValues.Of(s)) : null;

    public double this[long step]
    {
        get
        {
            var i = Array.BinarySearch(_steps, step);
            i = i >= 0 ? i : Math.Max(0, ~i - 1);
            return _values[i];
        }
    }

    /// <summary>The largest finite value in effect over [<paramref name="from"/>, <paramref name="to"/>] (NaN when none).</summary>
    public double Max(long from, long to) => Extreme(from, to, max: true);

    /// <summary>The smallest finite value in effect over [<paramref name="from"/>, <paramref name="to"/>] (NaN when none).</summary>
    public double Min(long from, long to) => Extreme(from, to, max: false);

    private double Extreme(long from, long to, bool max)
    {
        // The value in effect at `from` counts too: it was logged at or before it.
        var result = this[from];
        var i = Array.BinarySearch(_steps, from);
        for (i = i >= 0 ? i : ~i; i < _steps.Length && _steps[i] <= to; i++)
        {
            var x = _values[i];
            if (Finite.Is(x) && (!Finite.Is(result) || (max ? x > result : x < result)))
            {
                result = x;
            }
        }

        return result;
    }

    /// <summary>Whether the logged rate never fell (beyond float noise) from the first log up to <paramref name="step"/>.</summary>
    public bool NonDecreasingUntil(long step)
    {
        for (var i = 1; i < _steps.Length && _steps[i] <= step; i++)
        {
            if (_values[i] < _values[i - 1] * 0.999)
            {
                return false;
            }
        }

        return true;
    }
}

using System.Collections.Immutable;

namespace Runlens.Model;

/// <summary>A named series of points in logging order.</summary>
/// <param name="Key">Normalised key, e.g. <c>val/loss</c> (see <see cref="MetricNames"/>).</param>
/// <param name="OriginalName">The name the trainer logged, e.g. <c>eval_loss</c>.</param>
/// <param name="Points">Points in the order they were logged (steps may repeat or restart).</param>
public sealed record Series(string Key, string OriginalName, ImmutableArray<SeriesPoint> Points)
{
    public int Count => Points.Length;

    public SeriesPoint First => Points[0];

    public SeriesPoint Last => Points[^1];

    public double[] Values()
    {
        var values = new double[Points.Length];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = Points[i].Value;
        }

        return values;
    }

    public long[] Steps()
    {
        var steps = new long[Points.Length];
        for (var i = 0; i < steps.Length; i++)
        {
            steps[i] = Points[i].Step;
        }

        return steps;
    }
}

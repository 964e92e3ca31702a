using System.Collections.Immutable;
using System.Runtime.InteropServices;
using Runlens.Model;

namespace Runlens.Import.TensorBoard;

/// <summary>
/// Fills <see cref="SeriesPoint.Epoch"/> where the event files say it: Lightning logs an <c>epoch</c> scalar and the HF
/// Trainer a <c>train/epoch</c> scalar at the step of each logged metric, and Keras' <c>epoch_*</c> tags use the epoch
/// index as their step. Points at steps without an epoch value keep NaN. Works in place on the freshly built arrays.
/// </summary>
internal static class TensorBoardEpochs
{
    public static void Fill(ImmutableSortedDictionary<string, Series> series)
    {
        var epoch = series.Values.FirstOrDefault(s => s.OriginalName is "epoch" or "train/epoch");
        Dictionary<long, double>? byStep = null;
        foreach (var s in series.Values)
        {
            if (ReferenceEquals(s, epoch))
            {
                continue;
            }

            var points = ImmutableCollectionsMarshal.AsArray(s.Points);
            if (points is null || points.Length == 0)
            {
                continue;
            }

            var slash = s.OriginalName.LastIndexOf('/');
            if (s.OriginalName.AsSpan(slash + 1).StartsWith("epoch_", StringComparison.Ordinal))
            {
                for (var i = 0; i < points.Length; i++)
                {
                    points[i] = points[i] with { Epoch = points[i].Step };
                }

                continue;
            }

            if (epoch is not null)
            {
                FromEpochSeries(points, epoch.Points.AsSpan(), ref byStep);
            }
        }
    }

    /// <summary>Walks both series in step order (the usual case); a step that goes back (a restart) is looked up.</summary>
    private static void FromEpochSeries(SeriesPoint[] points, ReadOnlySpan<SeriesPoint> epochs, ref Dictionary<long, double>? byStep)
    {
        var j = 0;
        var previous = long.MinValue;
        for (var i = 0; i < points.Length; i++)
        {
            var step = points[i].Step;
            double value;
            if (step >= previous)
            {
                while (j < epochs.Length && epochs[j].Step < step)
                {
                    j++;
                }

                // several epoch points at one step (Lightning logs one with train and one with val): the last one
                var k = j;
                while (k + 1 < epochs.Length && epochs[k + 1].Step == step)
                {
                    k++;
                }

                if (j < epochs.Length && epochs[k].Step == step)
                {
                    value = epochs[k].Value;
                }
                else if (!Lookup(epochs, step, ref byStep, out value))
                {
                    previous = step;
                    continue;
                }
            }
            else if (!Lookup(epochs, step, ref byStep, out value))
            {
                previous = step;
                continue;
            }

            previous = step;
            points[i] = points[i] with { Epoch = value };
        }
    }

    private static bool Lookup(ReadOnlySpan<SeriesPoint> epochs, long step, ref Dictionary<long, double>? byStep, out double value)
    {
        if (byStep is null)
        {
            byStep = new Dictionary<long, double>(epochs.Length);
            foreach (var p in epochs)
            {
                byStep[p.Step] = p.Value;
            }
        }

        return byStep.TryGetValue(step, out value);
    }
}

using System.Collections.Immutable;

namespace Runlens.Analysis.Metrics;

/// <summary>Per-class ROC and precision-recall curves from predicted probabilities (<see cref="ClassCurve"/>).</summary>
public static class ClassCurves
{
    /// <summary>The most points a curve keeps.</summary>
    public const int MaxPoints = 1000;

    /// <summary>One curve pair per class that occurs both as a label and as a non-label (a class that is every example's
    /// label, or none's, has no ROC curve and is left out); empty without probabilities.</summary>
    public static ImmutableArray<ClassCurve> Of(ClassificationInput input, int maxPoints = MaxPoints) => Of(input, maxPoints, null);

    /// <summary>The curves, and into <paramref name="ranked"/> (one slot per class) the ROC-AUC and average precision of
    /// each class that has a curve, from the same walk over its sorted scores (the steps replayed in the order
    /// <see cref="ScoreRanking.Score"/> takes them, so the values are the same to the bit).</summary>
    internal static ImmutableArray<ClassCurve> Of(ClassificationInput input, int maxPoints, RankedScores?[]? ranked)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPoints, 2);
        // (Probabilities is an empty memory, not null, when there are none: the array is what says.)
        if (input.ProbabilityArray is not { } probabilities)
        {
            return [];
        }

        var y = input.TrueArray;
        var n = y.Length;
        var k = input.Classes.Count;
        var support = new long[k];
        foreach (var t in y)
        {
            support[t]++;
        }

        // The classes on both cores, each with its own sort buffers; the curves are put back in class order.
        var perClass = new ClassCurve?[k];
        Parallel.For(0, k, () => new Buffers(n), (c, _, buffers) =>
        {
            long positives = support[c], negatives = n - positives;
            if (positives > 0 && negatives > 0)
            {
                var steps = new CumulativeSteps(buffers.Fps, buffers.Tps, buffers.Keys);
                buffers.Ranking.Walk(probabilities, y, k, c, positives, ref steps);
                perClass[c] = Curve(input.Classes[c], buffers, steps.Count, n, positives, maxPoints);
                if (ranked is not null)
                {
                    ranked[c] = Ranked(buffers, steps.Count, positives, negatives);
                }
            }

            return buffers;
        }, _ => { });
        return [.. perClass.OfType<ClassCurve>()];
    }

    /// <summary>The curves from scikit-learn's <c>_binary_clf_curve</c> (scores from the highest down; one threshold per
    /// distinct score, with the cumulative true and false positives at or above it), computed at the kept points only.</summary>
    private static ClassCurve Curve(string name, Buffers buffers, int m, int n, long positives, int maxPoints)
    {
        var fps = buffers.Fps.AsSpan(0, m);
        var tps = buffers.Tps.AsSpan(0, m);
        var keys = buffers.Keys.AsSpan(0, m);
        double lastFp = fps[^1], lastTp = tps[^1];

        // roc_curve(drop_intermediate=True): points collinear with their neighbours are dropped (a point is kept where the
        // second difference of fps or tps is not 0), then (0, 0) at +∞ is put first.
        var kept = buffers.Kept;
        var rocCount = 0;
        for (var j = 0; j < m; j++)
        {
            if (m <= 2 || j == 0 || j == m - 1
                || fps[j + 1] - 2 * fps[j] + fps[j - 1] != 0 || tps[j + 1] - 2 * tps[j] + tps[j - 1] != 0)
            {
                kept[rocCount++] = j;
            }
        }

        var rocKeep = Thin(rocCount + 1, maxPoints);
        var fpr = new double[rocKeep.Length];
        var tpr = new double[rocKeep.Length];
        var rocAt = new double[rocKeep.Length];
        for (var i = 0; i < rocKeep.Length; i++)
        {
            if (rocKeep[i] == 0)
            {
                rocAt[i] = double.PositiveInfinity;
                continue;
            }

            var j = kept[rocKeep[i] - 1];
            fpr[i] = fps[j] / lastFp;
            tpr[i] = tps[j] / lastTp;
            rocAt[i] = ScoreRanking.Score(keys[j]);
        }

        // precision_recall_curve: from the lowest threshold up (point i is step m − 1 − i), then (recall 0, precision 1),
        // which is always kept.
        var prKeep = Thin(m, maxPoints - 1);
        var precision = new double[prKeep.Length + 1];
        var recall = new double[prKeep.Length + 1];
        var prAt = new double[prKeep.Length];
        for (var i = 0; i < prKeep.Length; i++)
        {
            var j = m - 1 - prKeep[i];
            var predicted = tps[j] + fps[j];
            precision[i] = predicted == 0 ? 0.0 : (double)tps[j] / predicted;
            recall[i] = tps[j] / lastTp;
            prAt[i] = ScoreRanking.Score(keys[j]);
        }

        precision[^1] = 1.0;
        recall[^1] = 0.0;
        return new ClassCurve(name, positives, n - positives, [.. fpr], [.. tpr], [.. rocAt], rocCount + 1,
            [.. precision], [.. recall], [.. prAt], m + 1);
    }

    /// <summary>ROC-AUC and average precision from the cumulative steps, each step handed to
    /// <see cref="ScoreRanking.AreaSteps"/> as the walk handed it.</summary>
    private static RankedScores Ranked(Buffers buffers, int m, long positives, long negatives)
    {
        var area = new ScoreRanking.AreaSteps(positives);
        long fp = 0, tp = 0;
        for (var j = 0; j < m; j++)
        {
            long stepTp = buffers.Tps[j] - tp, stepFp = buffers.Fps[j] - fp;
            area.Step(buffers.Keys[j], (int)(stepTp + stepFp), (int)stepTp);
            tp = buffers.Tps[j];
            fp = buffers.Fps[j];
        }

        return new RankedScores(area.Area2 / (2.0 * positives * negatives), area.AveragePrecision);
    }

    /// <summary>One worker's sort buffers and steps, sized by the number of examples.</summary>
    private sealed class Buffers(int n)
    {
        public ScoreRanking Ranking { get; } = new();

        public long[] Fps { get; } = new long[n];

        public long[] Tps { get; } = new long[n];

        public ulong[] Keys { get; } = new ulong[n];

        public int[] Kept { get; } = new int[n];
    }

    /// <summary>The cumulative false and true positives at each distinct score, and the score's key.</summary>
    private struct CumulativeSteps(long[] fps, long[] tps, ulong[] keys) : IThresholdSteps
    {
        private long _fp;
        private long _tp;

        public int Count { get; private set; }

        public void Step(ulong key, int count, int positives)
        {
            _tp += positives;
            _fp += count - positives;
            fps[Count] = _fp;
            tps[Count] = _tp;
            keys[Count] = key;
            Count++;
        }
    }

    /// <summary>Indices 0..count−1, or <paramref name="max"/> of them evenly spaced (first and last included).</summary>
    private static int[] Thin(int count, int max)
    {
        if (count <= max)
        {
            return [.. Enumerable.Range(0, count)];
        }

        var kept = new int[max];
        for (var i = 0; i < max; i++)
        {
            kept[i] = (int)Math.Round((double)i * (count - 1) / (max - 1), MidpointRounding.AwayFromZero);
        }

        return kept;
    }
}

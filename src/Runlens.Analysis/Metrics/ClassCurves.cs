using System.Collections.Immutable;

namespace Runlens.Analysis.Metrics;

/// <summary>Per-class ROC and precision-recall curves from predicted probabilities (<see cref="ClassCurve"/>).</summary>
public static class ClassCurves
{
    /// <summary>The most points a curve keeps.</summary>
    public const int MaxPoints = 1000;

    /// <summary>One curve pair per class that occurs both as a label and as a non-label (a class that is every example's
    /// label, or none's, has no ROC curve and is left out); empty without probabilities.</summary>
    public static ImmutableArray<ClassCurve> Of(ClassificationInput input, int maxPoints = MaxPoints)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPoints, 2);
        // (Probabilities is an empty memory, not null, when there are none: the array is what says.)
        if (input.ProbabilityArray is not { } probabilities)
        {
            return [];
        }

        var y = input.TrueClass.Span;
        var n = y.Length;
        var k = input.Classes.Count;
        var order = new int[n];
        var scores = new double[n];
        var curves = ImmutableArray.CreateBuilder<ClassCurve>(k);
        for (var c = 0; c < k; c++)
        {
            long positives = 0;
            for (var i = 0; i < n; i++)
            {
                scores[i] = probabilities[i * k + c];
                order[i] = i;
                positives += y[i] == c ? 1 : 0;
            }

            var negatives = n - positives;
            if (positives == 0 || negatives == 0)
            {
                continue;
            }

            // scikit-learn's _binary_clf_curve: scores from the highest down; one threshold per distinct score, with the
            // cumulative true and false positives at or above it.
            Array.Sort(scores, order);
            var fps = new List<long>();
            var tps = new List<long>();
            var thresholds = new List<double>();
            long tp = 0, fp = 0;
            for (var i = n - 1; i >= 0;)
            {
                var v = scores[i];
                while (i >= 0 && scores[i] == v)
                {
                    if (y[order[i]] == c)
                    {
                        tp++;
                    }
                    else
                    {
                        fp++;
                    }

                    i--;
                }

                fps.Add(fp);
                tps.Add(tp);
                thresholds.Add(v);
            }

            var (fpr, tpr, rocThresholds) = Roc(fps, tps, thresholds);
            var (precision, recall, prThresholds) = PrecisionRecall(fps, tps, thresholds);
            var rocKeep = Thin(fpr.Count, maxPoints);
            var prKeep = Thin(precision.Count - 1, maxPoints - 1); // the last point (recall 0, precision 1) is always kept
            curves.Add(new ClassCurve(input.Classes[c], positives, negatives,
                [.. rocKeep.Select(j => fpr[j])], [.. rocKeep.Select(j => tpr[j])], [.. rocKeep.Select(j => rocThresholds[j])], fpr.Count,
                [.. prKeep.Select(j => precision[j]), 1.0], [.. prKeep.Select(j => recall[j]), 0.0], [.. prKeep.Select(j => prThresholds[j])],
                precision.Count));
        }

        return curves.ToImmutable();
    }

    /// <summary><c>roc_curve(drop_intermediate=True)</c>: points collinear with their neighbours are dropped (a point is
    /// kept where the second difference of fps or tps is not 0), then (0, 0) at +∞ is put first.</summary>
    private static (List<double> Fpr, List<double> Tpr, List<double> Thresholds) Roc(List<long> fps, List<long> tps, List<double> thresholds)
    {
        var m = fps.Count;
        var keep = new List<int>(m);
        for (var j = 0; j < m; j++)
        {
            if (m <= 2 || j == 0 || j == m - 1
                || fps[j + 1] - 2 * fps[j] + fps[j - 1] != 0 || tps[j + 1] - 2 * tps[j] + tps[j - 1] != 0)
            {
                keep.Add(j);
            }
        }

        double lastFp = fps[^1], lastTp = tps[^1];
        var fpr = new List<double>(keep.Count + 1) { 0.0 };
        var tpr = new List<double>(keep.Count + 1) { 0.0 };
        var at = new List<double>(keep.Count + 1) { double.PositiveInfinity };
        foreach (var j in keep)
        {
            fpr.Add(fps[j] / lastFp);
            tpr.Add(tps[j] / lastTp);
            at.Add(thresholds[j]);
        }

        return (fpr, tpr, at);
    }

    /// <summary><c>precision_recall_curve</c>: from the lowest threshold up, then (recall 0, precision 1).</summary>
    private static (List<double> Precision, List<double> Recall, List<double> Thresholds) PrecisionRecall(List<long> fps, List<long> tps, List<double> thresholds)
    {
        var m = fps.Count;
        double lastTp = tps[^1];
        var precision = new List<double>(m + 1);
        var recall = new List<double>(m + 1);
        var at = new List<double>(m);
        for (var j = m - 1; j >= 0; j--)
        {
            var predicted = tps[j] + fps[j];
            precision.Add(predicted == 0 ? 0.0 : (double)tps[j] / predicted);
            recall.Add(tps[j] / lastTp);
            at.Add(thresholds[j]);
        }

        precision.Add(1.0);
        recall.Add(0.0);
        return (precision, recall, at);
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

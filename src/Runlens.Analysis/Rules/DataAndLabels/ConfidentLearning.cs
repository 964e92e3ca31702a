using System.Collections.Immutable;

namespace Runlens.Analysis.Rules.DataAndLabels;

/// <summary>One example whose given label disagrees confidently with its predicted probabilities.</summary>
/// <param name="Example">Index of the example.</param>
/// <param name="Given">Index of its given class.</param>
/// <param name="Suspected">Index of the class the probabilities confidently point to.</param>
/// <param name="Margin">p(suspected) − p(given).</param>
public sealed record LabelIssue(int Example, int Given, int Suspected, double Margin);

/// <summary>The result of confident learning over one set of predicted probabilities.</summary>
/// <param name="Thresholds">Per class: the mean predicted probability of the class over the examples labelled with it; NaN
/// when no example has that label (the class is then never a suspected label).</param>
/// <param name="ConfidentJoint">Counts, row = given label, column = confidently predicted class, row-major K × K.</param>
/// <param name="Issues">The off-diagonal examples of the confident joint, ranked by margin (largest first, then index).</param>
/// <param name="NoiseRate">Estimated share of wrong labels: 1 − trace of the calibrated, normalised confident joint.</param>
/// <param name="Unassigned">Examples with no class at or above its threshold (not counted in the joint).</param>
public sealed record ConfidentLearningResult(double[] Thresholds, long[] ConfidentJoint, IReadOnlyList<LabelIssue> Issues,
    double NoiseRate, int Unassigned);

/// <summary>
/// Confident learning (Northcutt, Jiang and Chuang, "Confident Learning: Estimating Uncertainty in Dataset Labels", JAIR
/// 2021): per-class thresholds, the confident joint, its calibration, and the label issues it finds
/// (cleanlab's <c>filter_by="confident_learning"</c>). Checked against an independent numpy implementation
/// (tests/fixtures/oracles/confident_learning).
/// </summary>
/// <remarks>
/// An example is assigned to the class with the largest probability among the classes whose probability reaches their
/// threshold (p_j ≥ t_j, the given class included; first class on ties). It is a label issue when that class is not its
/// given label. Unlike cleanlab, an example with exactly one confident class is assigned to that class (cleanlab uses the
/// plain argmax there), and the thresholds carry no 1e-6 tolerance.
/// </remarks>
public static class ConfidentLearning
{
    /// <param name="classes">Number of classes K.</param>
    /// <param name="labels">Given label index of each example.</param>
    /// <param name="probabilities">Row-major n × K out-of-sample predicted probabilities.</param>
    public static ConfidentLearningResult Find(int classes, IReadOnlyList<int> labels, IReadOnlyList<double> probabilities)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(probabilities);
        return FindIn(classes, Span(labels), Span(probabilities));
    }

    /// <summary>The same over spans: a predictions set's arrays read directly (no interface call per value).</summary>
    public static ConfidentLearningResult FindIn(int classes, ReadOnlySpan<int> labels, ReadOnlySpan<double> probabilities)
    {
        var n = labels.Length;
        var k = classes;
        if (probabilities.Length != n * k)
        {
            throw new ArgumentException($"expected {n}×{k} probabilities, got {probabilities.Length}", nameof(probabilities));
        }

        var sums = new double[k];
        var counts = new long[k];
        for (var i = 0; i < n; i++)
        {
            var y = labels[i];
            sums[y] += probabilities[(i * k) + y];
            counts[y]++;
        }

        var thresholds = new double[k];
        for (var j = 0; j < k; j++)
        {
            thresholds[j] = counts[j] > 0 ? sums[j] / counts[j] : double.NaN;
        }

        var joint = new long[k * k];
        var issues = new List<LabelIssue>();
        var unassigned = 0;
        for (var i = 0; i < n; i++)
        {
            var best = -1;
            var bestP = double.NegativeInfinity;
            for (var j = 0; j < k; j++)
            {
                var p = probabilities[(i * k) + j];
                if (!double.IsNaN(thresholds[j]) && p >= thresholds[j] && p > bestP)
                {
                    best = j;
                    bestP = p;
                }
            }

            if (best < 0)
            {
                unassigned++;
                continue;
            }

            var y = labels[i];
            joint[(y * k) + best]++;
            if (best != y)
            {
                issues.Add(new LabelIssue(i, y, best, bestP - probabilities[(i * k) + y]));
            }
        }

        issues.Sort((a, b) => b.Margin != a.Margin ? b.Margin.CompareTo(a.Margin) : a.Example.CompareTo(b.Example));
        return new ConfidentLearningResult(thresholds, joint, issues, NoiseRate(joint, counts, k), unassigned);
    }

    private static ReadOnlySpan<T> Span<T>(IReadOnlyList<T> values) => values switch
    {
        ImmutableArray<T> a => a.AsSpan(),
        T[] a => a,
        List<T> l => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(l),
        _ => values.ToArray(),
    };

    /// <summary>Calibrates each row of the joint to the number of examples with that label, normalises to sum 1, and
    /// returns the off-diagonal mass.</summary>
    private static double NoiseRate(long[] joint, long[] labelCounts, int k)
    {
        var calibrated = new double[k * k];
        var total = 0.0;
        for (var i = 0; i < k; i++)
        {
            long row = 0;
            for (var j = 0; j < k; j++)
            {
                row += joint[(i * k) + j];
            }

            if (row == 0)
            {
                continue;
            }

            for (var j = 0; j < k; j++)
            {
                calibrated[(i * k) + j] = (double)joint[(i * k) + j] / row * labelCounts[i];
                total += calibrated[(i * k) + j];
            }
        }

        if (total == 0)
        {
            return 0;
        }

        var diagonal = 0.0;
        for (var i = 0; i < k; i++)
        {
            diagonal += calibrated[(i * k) + i];
        }

        return 1 - (diagonal / total);
    }
}

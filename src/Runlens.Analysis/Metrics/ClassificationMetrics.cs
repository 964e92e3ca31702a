namespace Runlens.Analysis.Metrics;

/// <summary>
/// Classification metrics with scikit-learn 1.2.1's definitions, zero-division rules and tie handling (checked against it
/// to 1e-9 by tests/fixtures/oracles/sklearn; definitions in docs/metrics.md).
/// </summary>
/// <remarks>
/// One pass over the examples builds the confusion matrix; one more pass over the probability rows gives top-k accuracy,
/// log loss, Brier score, entropy and calibration; ROC-AUC and average precision sort each class's scores once (radix sort
/// on the float bits), the classes in parallel. Nothing is allocated per example: the buffers are sized by the number of examples and classes.
/// </remarks>
public static class ClassificationMetrics
{
    /// <summary>Number of equal-width bins of the expected calibration error.</summary>
    public const int CalibrationBins = 15;

    /// <summary>The clip applied to probabilities before log loss: float64's machine epsilon 2⁻⁵² (scikit-learn 1.2.1's
    /// <c>eps="auto"</c> for float64 input).</summary>
    public static readonly double LogLossEpsilon = Math.BitIncrement(1.0) - 1.0;

    private const string ZeroDivision = " Use `zero_division` parameter to control this behavior.";

    /// <summary>Every metric of <paramref name="input"/>.</summary>
    /// <exception cref="ArgumentException">The input has no example.</exception>
    public static ClassificationMetricsResult Compute(ClassificationInput input) => Compute(input, null);

    /// <summary>Every metric of <paramref name="input"/>, taking each class's ROC-AUC and average precision from
    /// <paramref name="ranked"/> where it holds them (<see cref="ClassCurves.Of(ClassificationInput, int, RankedScores?[])"/>
    /// computes them from the same sorted scores), so that no class's scores are sorted twice.</summary>
    internal static ClassificationMetricsResult Compute(ClassificationInput input, RankedScores?[]? ranked) => Compute(input, ranked, null);

    /// <summary>The pass over the probability rows that <see cref="Compute(ClassificationInput, RankedScores?[], Task{RowTotals}?)"/>
    /// needs (log loss, Brier, entropy, top-k, calibration), started on its own so that it runs beside the curves; null
    /// without probabilities. The same pass, so the same sums.</summary>
    /// <remarks>Each row's entropy (−Σ p ln p over its probabilities in class order, as the example samples compute it) is
    /// written to <paramref name="entropies"/> where given, so that the samples need not compute it again.</remarks>
    internal static Task<RowTotals>? StartRowScan(ClassificationInput input, double[]? entropies = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        var probs = input.ProbabilityArray;
        var y = input.TrueArray;
        var k = input.Classes.Count;
        return probs is not null && input.Count > 0 ? Task.Run(() => ScanRows(probs, y, k, entropies)) : null;
    }

    /// <summary><see cref="Compute(ClassificationInput, RankedScores?[])"/> with the row pass taken from
    /// <paramref name="rowScan"/> (<see cref="StartRowScan"/> of the same input) where given.</summary>
    internal static ClassificationMetricsResult Compute(ClassificationInput input, RankedScores?[]? ranked, Task<RowTotals>? rowScan)
    {
        ArgumentNullException.ThrowIfNull(input);
        var n = input.Count;
        if (n == 0)
        {
            throw new ArgumentException("metrics need at least one example", nameof(input));
        }

        var classes = input.Classes;
        var k = classes.Count;
        var y = input.TrueArray;
        var predicted = input.PredictedArray;
        var warnings = new List<MetricWarning>();

        // ---- counting: one pass ----
        var cm = new long[k * k];
        for (var i = 0; i < n; i++)
        {
            cm[(y[i] * k) + predicted[i]]++;
        }

        var support = new long[k];
        var predictedCount = new long[k];
        var tp = new long[k];
        long correct = 0;
        for (var t = 0; t < k; t++)
        {
            for (var p = 0; p < k; p++)
            {
                var v = cm[(t * k) + p];
                support[t] += v;
                predictedCount[p] += v;
            }

            tp[t] = cm[(t * k) + t];
            correct += tp[t];
        }

        var precision = new double[k];
        var recall = new double[k];
        var f1 = new double[k];
        var specificity = new double[k];
        List<string>? noPredicted = null, noTrue = null, neither = null, allOfThem = null, onlyPredicted = null;
        for (var c = 0; c < k; c++)
        {
            if (predictedCount[c] > 0)
            {
                precision[c] = (double)tp[c] / predictedCount[c];
            }
            else
            {
                (noPredicted ??= []).Add(classes[c]);
            }

            if (support[c] > 0)
            {
                recall[c] = (double)tp[c] / support[c];
            }
            else
            {
                (noTrue ??= []).Add(classes[c]);
                if (predictedCount[c] > 0)
                {
                    (onlyPredicted ??= []).Add(classes[c]);
                }
                else
                {
                    (neither ??= []).Add(classes[c]);
                }
            }

            f1[c] = F1Of(precision[c], recall[c]);
            var fp = predictedCount[c] - tp[c];
            var tn = n - support[c] - fp;
            if (tn + fp > 0)
            {
                specificity[c] = (double)tn / (tn + fp);
            }
            else
            {
                (allOfThem ??= []).Add(classes[c]);
            }
        }

        if (noPredicted is not null)
        {
            warnings.Add(new("precision", "Precision is ill-defined and being set to 0.0 in labels with no predicted samples." + ZeroDivision, noPredicted));
        }

        if (noTrue is not null)
        {
            warnings.Add(new("recall", "Recall is ill-defined and being set to 0.0 in labels with no true samples." + ZeroDivision, noTrue));
        }

        if (neither is not null)
        {
            warnings.Add(new("f1", "F-score is ill-defined and being set to 0.0 in labels with no true nor predicted samples." + ZeroDivision, neither));
        }

        if (allOfThem is not null)
        {
            warnings.Add(new("specificity", "Specificity is ill-defined and being set to 0.0 in labels that every example belongs to (no negative sample).", allOfThem));
        }

        var accuracy = (double)correct / n;
        var micro = accuracy; // single-label: summed TP / summed predictions = summed TP / summed support = accuracy
        var precisionAvg = new AveragedScore(Mean(precision), Weighted(precision, support, n), micro);
        var recallAvg = new AveragedScore(Mean(recall), Weighted(recall, support, n), micro);
        var f1Avg = new AveragedScore(Mean(f1), Weighted(f1, support, n), F1Of(micro, micro));

        // balanced accuracy: mean recall over the classes that occur as labels
        var recallSum = 0.0;
        var present = 0;
        for (var c = 0; c < k; c++)
        {
            if (support[c] > 0)
            {
                recallSum += recall[c];
                present++;
            }
        }

        if (onlyPredicted is not null)
        {
            warnings.Add(new("balanced_accuracy", "y_pred contains classes not in y_true", onlyPredicted));
        }

        var balanced = recallSum / present;

        // Matthews correlation and Cohen's kappa, as scikit-learn computes them from the confusion matrix
        double dotTp = 0, dotPp = 0, dotTt = 0;
        for (var c = 0; c < k; c++)
        {
            dotTp += (double)support[c] * predictedCount[c];
            dotPp += (double)predictedCount[c] * predictedCount[c];
            dotTt += (double)support[c] * support[c];
        }

        double nd = n;
        var covYtYp = (correct * nd) - dotTp;
        var covYpYp = (nd * nd) - dotPp;
        var covYtYt = (nd * nd) - dotTt;
        var mcc = covYpYp * covYtYt == 0 ? 0.0 : covYtYp / Math.Sqrt(covYtYt * covYpYp);
        var expectedDisagreement = nd - (dotTp / nd);
        var kappa = 1.0 - ((n - correct) / expectedDisagreement);
        if (double.IsNaN(kappa))
        {
            warnings.Add(new("cohen_kappa", "Cohen's kappa is undefined (no disagreement is expected by chance: one class only); it is NaN, as scikit-learn returns", []));
        }

        var confusion = Confusion(classes, cm, support, predictedCount, n);

        // ---- probabilities ----
        double? top2 = null, top3 = null, rocBinary = null, rocMacro = null, rocWeighted = null, apMacro = null;
        double? logLoss = null, brier = null, entropy = null, ece = null;
        double[]? ap = null;
        var probs = input.ProbabilityArray;
        if (probs is not null)
        {
            var rows = rowScan is not null ? rowScan.GetAwaiter().GetResult() : ScanRows(probs, y, k);
            top2 = TopK(rows.Top2Hits, 2, k, n, warnings);
            top3 = TopK(rows.Top3Hits, 3, k, n, warnings);
            logLoss = k >= 2 ? rows.LogLossSum / n : null;
            brier = rows.BrierSum / n;
            entropy = rows.EntropySum / n;
            ece = rows.Ece;

            ap = new double[k];
            var auc = new double?[k];
            // each class on its own (both cores, each with its own sort buffers): the same values in any order
            Parallel.For(0, k, () => new ScoreRanking(), (c, _, ranking) =>
            {
                (auc[c], ap[c]) = ranked?[c] is { } done ? (done.Auc, done.AveragePrecision) : ranking.Score(probs, y, k, c, support[c]);
                return ranking;
            }, _ => { });

            apMacro = Mean(ap);
            var absent = noTrue ?? [];
            if (absent.Count > 0)
            {
                warnings.Add(new("average_precision", "No positive class found in y_true, recall is set to one for all thresholds.", absent));
            }

            if (k == 2)
            {
                if (auc[1] is { } a)
                {
                    rocBinary = rocMacro = rocWeighted = a;
                }
                else
                {
                    warnings.Add(new("roc_auc", "Only one class present in y_true. ROC AUC score is not defined in that case.", absent));
                }
            }
            else if (k > 2)
            {
                if (!rows.RowsSumToOne)
                {
                    warnings.Add(new("roc_auc", "Target scores need to be probabilities for multiclass roc_auc, i.e. they should sum up to 1.0 over classes", []));
                }
                else if (absent.Count > 0)
                {
                    warnings.Add(new("roc_auc", "Only one class present in y_true. ROC AUC score is not defined in that case.", absent));
                }
                else
                {
                    double sum = 0, weighted = 0;
                    for (var c = 0; c < k; c++)
                    {
                        sum += auc[c]!.Value;
                        weighted += auc[c]!.Value * support[c];
                    }

                    rocMacro = sum / k;
                    rocWeighted = weighted / n;
                }
            }
        }

        var perClass = new ClassScores[k];
        for (var c = 0; c < k; c++)
        {
            perClass[c] = new ClassScores(classes[c], precision[c], recall[c], f1[c], support[c], specificity[c], ap?[c]);
        }

        return new ClassificationMetricsResult(n, classes, k == 2 ? classes[1] : null, accuracy, balanced, top2, top3,
            precisionAvg, recallAvg, f1Avg, perClass, confusion, rocBinary, rocMacro, rocWeighted, apMacro, logLoss, mcc, kappa,
            brier, entropy, ece, warnings);
    }

    private static double F1Of(double p, double r)
    {
        var denominator = p + r;
        return denominator == 0 ? 0.0 : 2 * p * r / denominator;
    }

    private static double Mean(double[] values)
    {
        var s = 0.0;
        foreach (var v in values)
        {
            s += v;
        }

        return s / values.Length;
    }

    private static double Weighted(double[] values, long[] weights, long total)
    {
        var s = 0.0;
        for (var i = 0; i < values.Length; i++)
        {
            s += values[i] * weights[i];
        }

        return s / total;
    }

    private static double TopK(long hits, int topK, int k, int n, List<MetricWarning> warnings)
    {
        if (topK >= k)
        {
            warnings.Add(new("top_k_accuracy",
                $"'k' ({topK}) greater than or equal to 'n_classes' ({k}) will result in a perfect score and is therefore meaningless.", []));
            return 1.0;
        }

        return (double)hits / n;
    }

    private static ConfusionMatrix Confusion(IReadOnlyList<string> classes, long[] cm, long[] rowSums, long[] columnSums, long n)
    {
        var k = classes.Count;
        var counts = new IReadOnlyList<long>[k];
        var byTrue = new IReadOnlyList<double>[k];
        var byPredicted = new IReadOnlyList<double>[k];
        var byAll = new IReadOnlyList<double>[k];
        for (var t = 0; t < k; t++)
        {
            var row = cm.AsSpan(t * k, k);
            var r = new double[k];
            var c = new double[k];
            var a = new double[k];
            for (var p = 0; p < k; p++)
            {
                r[p] = rowSums[t] == 0 ? 0 : (double)row[p] / rowSums[t];
                c[p] = columnSums[p] == 0 ? 0 : (double)row[p] / columnSums[p];
                a[p] = (double)row[p] / n;
            }

            counts[t] = row.ToArray();
            byTrue[t] = r;
            byPredicted[t] = c;
            byAll[t] = a;
        }

        return new ConfusionMatrix(classes, counts, byTrue, byPredicted, byAll);
    }

    internal readonly record struct RowTotals(long Top2Hits, long Top3Hits, double LogLossSum, double BrierSum, double EntropySum,
        double Ece, bool RowsSumToOne);

    /// <summary>One pass over the probability rows.</summary>
    private static RowTotals ScanRows(double[] probs, int[] y, int k, double[]? entropies = null)
    {
        var n = y.Length;
        var eps = LogLossEpsilon;
        var high = 1 - eps;
        Span<double> edges = stackalloc double[CalibrationBins + 1];
        var step = 1.0 / CalibrationBins;
        for (var b = 0; b < edges.Length; b++)
        {
            edges[b] = b * step; // numpy.linspace(0, 1, 16): i * step, last = 1
        }

        edges[CalibrationBins] = 1.0;
        Span<long> binCount = stackalloc long[CalibrationBins];
        Span<double> binHits = stackalloc double[CalibrationBins];
        Span<double> binConfidence = stackalloc double[CalibrationBins];
        binCount.Clear();
        binHits.Clear();
        binConfidence.Clear();

        long top2 = 0, top3 = 0;
        double logLoss = 0, brier = 0, entropy = 0;
        var sumsToOne = true;
        for (var i = 0; i < n; i++)
        {
            var row = probs.AsSpan(i * k, k);
            var truth = y[i];
            var s = row[truth];
            double rowSum = 0, clippedSum = 0, sq = 0, h = 0;
            var best = 0;
            var bestValue = row[0];
            var rank = 0;
            for (var c = 0; c < row.Length; c++)
            {
                var p = row[c];
                rowSum += p;
                clippedSum += p < eps ? eps : (p > high ? high : p);
                var d = c == truth ? p - 1 : p;
                sq += d * d;
                if (p > 0)
                {
                    h -= p * Math.Log(p);
                }

                if (p > bestValue)
                {
                    bestValue = p;
                    best = c;
                }

                if (p > s || (p == s && c > truth))
                {
                    rank++;
                }
            }

            if (rank < 2)
            {
                top2++;
            }

            if (rank < 3)
            {
                top3++;
            }

            var clippedTruth = s < eps ? eps : (s > high ? high : s);
            logLoss -= Math.Log(clippedTruth / clippedSum);
            if (k == 2)
            {
                var d = row[1] - (truth == 1 ? 1 : 0);
                brier += d * d;
            }
            else
            {
                brier += sq;
            }

            entropy += h;
            if (entropies is not null)
            {
                entropies[i] = h;
            }

            if (Math.Abs(1 - rowSum) > 1e-8 + (1e-5 * Math.Abs(rowSum)))
            {
                sumsToOne = false; // numpy.allclose(1, row sums), scikit-learn's check
            }

            var bin = (int)(bestValue * CalibrationBins);
            bin = Math.Clamp(bin, 0, CalibrationBins - 1);
            while (bin > 0 && bestValue <= edges[bin])
            {
                bin--;
            }

            while (bin < CalibrationBins - 1 && bestValue > edges[bin + 1])
            {
                bin++;
            }

            binCount[bin]++;
            binConfidence[bin] += bestValue;
            if (best == truth)
            {
                binHits[bin]++;
            }
        }

        var ece = 0.0;
        for (var b = 0; b < CalibrationBins; b++)
        {
            if (binCount[b] > 0)
            {
                ece += ((double)binCount[b] / n) * Math.Abs((binHits[b] / binCount[b]) - (binConfidence[b] / binCount[b]));
            }
        }

        return new RowTotals(top2, top3, logLoss, brier, entropy, ece, sumsToOne);
    }
}

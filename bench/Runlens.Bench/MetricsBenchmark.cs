using System.Globalization;
using BenchmarkDotNet.Attributes;
using Runlens.Analysis.Metrics;

namespace Runlens.Bench;

/// <summary>
/// Every classification metric (<see cref="ClassificationMetrics.Compute"/>) on 1,000,000 examples × 10 classes with
/// probabilities. Target: under 1 s on one core. tests/fixtures/oracles/sklearn/time_sklearn.py generates the same data
/// (the counter-based SplitMix64 below, vectorised in numpy) and times scikit-learn on it, for the ratio.
/// </summary>
[MemoryDiagnoser]
public class MetricsBenchmark
{
    private ClassificationInput _input = null!;

    [Params(1_000_000)]
    public int Examples { get; set; }

    [Params(10)]
    public int Classes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _input = Generate(Examples, Classes, 20261201);
        var r = ClassificationMetrics.Compute(_input);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"// metrics check: accuracy {r.Accuracy:R} f1_macro {r.F1.Macro:R} roc_auc_macro {r.RocAucMacro:R} ap_macro {r.AveragePrecisionMacro:R} log_loss {r.LogLoss:R} ece {r.ExpectedCalibrationError:R}"));
    }

    [Benchmark]
    public ClassificationMetricsResult AllMetrics() => ClassificationMetrics.Compute(_input);

    /// <summary>Example i uses draws j = i·(K+2) + t of SplitMix64(seed + (j+1)·γ): t = 0 the true class (draw mod K),
    /// t = 1 how much the true class is favoured (0, 1000 or 2000 extra), t = 2.. the integer weight of each class
    /// (1..1000); probabilities are weight / row total, the prediction the first most probable class.</summary>
    public static ClassificationInput Generate(int n, int k, ulong seed)
    {
        var y = new int[n];
        var predicted = new int[n];
        var probs = new double[n * k];
        var w = new long[k];
        var stride = (ulong)(k + 2);
        for (var i = 0; i < n; i++)
        {
            var j = (ulong)i * stride;
            var truth = (int)(SplitMix(seed, j) % (ulong)k);
            var bonus = (long)(SplitMix(seed, j + 1) % 3) * 1000;
            long total = 0;
            for (var c = 0; c < k; c++)
            {
                w[c] = (long)(SplitMix(seed, j + 2 + (ulong)c) % 1000) + 1 + (c == truth ? bonus : 0);
                total += w[c];
            }

            var best = 0;
            for (var c = 0; c < k; c++)
            {
                probs[(i * k) + c] = w[c] / (double)total;
                if (w[c] > w[best])
                {
                    best = c;
                }
            }

            y[i] = truth;
            predicted[i] = best;
        }

        var names = Enumerable.Range(0, k).Select(c => "c" + c.ToString("D2", CultureInfo.InvariantCulture)).ToArray();
        return ClassificationInput.Create(names, y, predicted, probs);
    }

    private static ulong SplitMix(ulong seed, ulong index)
    {
        var z = seed + ((index + 1) * 0x9E3779B97F4A7C15UL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

using System.Collections.Immutable;
using BenchmarkDotNet.Attributes;
using Runlens.Analysis.Diagnoses;
using Runlens.Model;

namespace Runlens.Bench;

/// <summary>
/// Analysis speed. <see cref="DiagnoseTwentySeriesOfAMillionPoints"/>: every rule over a run of 20 series × 1,000,000
/// points (training loss, gradient norm, learning rate, validation loss and metrics, other logged values; noisy, with a
/// spike and a NaN stretch so the rules do real work). Target: under 2 s.
/// </summary>
[MemoryDiagnoser]
public class AnalysisBenchmark
{
    private const int Points = 1_000_000;
    private Run _run = null!;

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(42);
        var series = ImmutableSortedDictionary.CreateBuilder<string, Series>(StringComparer.Ordinal);
        string[] keys =
        [
            "train/loss", "train/grad_norm", "train/learning_rate", "val/loss", "val/accuracy", "val/f1", "train/accuracy",
            "train/loss_epoch", "val/precision", "val/recall", "train/tokens_per_second", "train/memory", "val/auc",
            "train/entropy", "train/perplexity", "val/perplexity", "train/aux_loss", "val/wer", "train/kl", "train/reward",
        ];
        foreach (var key in keys)
        {
            var points = ImmutableArray.CreateBuilder<SeriesPoint>(Points);
            for (var i = 0; i < Points; i++)
            {
                var t = i / (double)Points;
                var v = key switch
                {
                    "train/learning_rate" => 5e-5 * (1 - t),
                    "train/grad_norm" => 0.3 + (0.05 * Gaussian(rng)),
                    _ when key.Contains("loss", StringComparison.Ordinal) => (2.5 * Math.Exp(-4 * t)) + 0.3 + (0.05 * Gaussian(rng)),
                    _ => 0.5 + (0.4 * (1 - Math.Exp(-4 * t))) + (0.01 * Gaussian(rng)),
                };
                if (key == "train/loss" && i == Points / 2)
                {
                    v *= 6; // one spike
                }

                if (key == "train/aux_loss" && i > Points - 1000)
                {
                    v = double.NaN; // a NaN stretch at the end
                }

                points.Add(new SeriesPoint(i * 10L, v, t * 3));
            }

            series[key] = new Series(key, key, points.MoveToImmutable());
        }

        _run = new Run
        {
            Identity = new RunIdentity("bench", "bench", null, new RunSource("hf-trainer-state", "/bench")),
            Series = series.ToImmutable(),
            Config = RunConfig.Empty.With("learning_rate", ConfigValue.Of(5e-5)).With("num_train_epochs", ConfigValue.Of(3)),
        };

        Console.WriteLine($"// run: {keys.Length} series × {Points:N0} points");
    }

    internal Run BenchRun => _run;

    [Benchmark]
    public int DiagnoseTwentySeriesOfAMillionPoints() => new Diagnoser().Diagnose(_run).Findings.Length;

    internal static double Gaussian(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}

using System.Collections.Immutable;
using BenchmarkDotNet.Attributes;
using Runlens.Analysis.Diagnoses;
using Runlens.Analysis.Findings;
using Runlens.Live.Alerts;
using Runlens.Model;

namespace Runlens.Bench;

/// <summary>
/// The alert engine as <c>runlens watch</c> calls it, once a second, on a run of 20 series × 1,000,000 points with three
/// thresholds, a z-score over 200 points and five findings. <see cref="SteadyCall"/>: a call where nothing new arrived
/// (the usual case; a call with new points adds only the work on those points); <see cref="FirstSight"/>: a fresh engine's
/// first call (the best-so-far scan of the whole series for rise_percent). Target: a steady call in microseconds, whatever
/// the length of the run.
/// </summary>
[MemoryDiagnoser]
public class AlertEngineBenchmark
{
    private const int Points = 1_000_000;
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);
    private AlertConfig _config = null!;
    private Diagnosis _full = null!;
    private AlertEngine _steady = null!;

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(42);
        var full = ImmutableSortedDictionary.CreateBuilder<string, Series>(StringComparer.Ordinal);
        foreach (var key in Enumerable.Range(0, 17).Select(i => $"train/other_{i}").Concat(["train/loss", "train/grad_norm", "val/loss"]))
        {
            var points = ImmutableArray.CreateBuilder<SeriesPoint>(Points);
            for (var i = 0; i < Points; i++)
            {
                points.Add(new SeriesPoint(i, 1 + (0.05 * AnalysisBenchmark.Gaussian(rng)), double.NaN, 1_700_000_000 + i));
            }

            full[key] = new Series(key, key, points.MoveToImmutable());
        }

        var identity = new RunIdentity("bench", "bench", null, new RunSource("bench", "bench"));
        Finding F(string id, string slug, string series) =>
            new(id, slug, Severity.Warning, 0.9, slug, Evidence.Empty, [1], [Recommendation.Do("x")], null, [series]);
        ImmutableArray<Finding> findings =
        [
            F("RL0101", "overfitting", "val/loss"), F("RL0206", "loss-spikes", "train/loss"), F("RL0403", "change-point", "train/loss"),
            F("RL0404", "metric-anomaly", "train/grad_norm"), F("RL0104", "plateau", "val/loss"),
        ];
        Diagnosis D(ImmutableSortedDictionary<string, Series> s) => new(new Run { Identity = identity, Series = s },
            new DiagnosisSummary(DiagnosisStatus.Warning, "", "val/loss", "", false, null, null, null, null), findings,
            new Coverage(1, [], [], [], []), [], [], []);
        _full = D(full.ToImmutable());
        _config = AlertConfig.Parse("""
            thresholds:
              - metric: train/loss
                above: 10
              - metric: val/loss
                rise_percent: 20
              - metric: eval_loss
                below: 0
            zscore:
              - metric: train/grad_norm
                z: 6
                window: 200
            stalled_minutes: 15
            sinks: []
            actions:
              - rule: divergence
                do: stop
            """, "bench.yaml");
        _steady = new AlertEngine(_config, []);
        _steady.EvaluateAsync(_full, Now, Now, true, CancellationToken.None).GetAwaiter().GetResult();
    }

    [Benchmark]
    public int SteadyCall() => _steady.EvaluateAsync(_full, Now, Now, true, CancellationToken.None).GetAwaiter().GetResult().Alerts.Count;

    [Benchmark]
    public int FirstSight() =>
        new AlertEngine(_config, []).EvaluateAsync(_full, Now, Now, true, CancellationToken.None).GetAwaiter().GetResult().Alerts.Count;
}

using System.Collections.Immutable;
using BenchmarkDotNet.Attributes;
using Runlens.Analysis.Signals;
using Runlens.Model;

namespace Runlens.Bench;

/// <summary>Min/max-per-bucket downsampling of 1,000,000 noisy points (with a spike and a NaN) to 1,000.</summary>
[MemoryDiagnoser]
public class DownsampleBenchmark
{
    private ImmutableArray<SeriesPoint> _points;

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(42);
        var builder = ImmutableArray.CreateBuilder<SeriesPoint>(1_000_000);
        for (var i = 0; i < 1_000_000; i++)
        {
            var value = i switch
            {
                400_000 => 1e6,
                600_000 => double.NaN,
                _ => Math.Exp(-i / 200_000.0) + (0.05 * AnalysisBenchmark.Gaussian(rng)),
            };
            builder.Add(new SeriesPoint(i, value, i / 10_000.0, 1_700_000_000 + (i * 0.1)));
        }

        _points = builder.MoveToImmutable();
    }

    [Benchmark]
    public int MinMaxTo1000() => Downsample.MinMax(_points, 1_000).Length;
}

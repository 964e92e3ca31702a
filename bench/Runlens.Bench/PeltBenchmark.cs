using BenchmarkDotNet.Attributes;
using Runlens.Analysis.Signals.ChangePoints;

namespace Runlens.Bench;

/// <summary>PELT with the L2 cost, min size 5, jump 1 and the default penalty 3·ln(n)·σ² on a noisy piecewise-constant
/// signal. Target: under 1 s at 100,000 points.</summary>
[MemoryDiagnoser]
public class PeltBenchmark
{
    private SignalMatrix _signal = null!;

    [Params(50_000, 100_000)]
    public int Points { get; set; }

    /// <summary>100 segments (a change every 1,000 points at 100,000) is PELT's usual setting; with 7 long segments every
    /// start inside the current segment stays admissible, PELT's known quadratic worst case.</summary>
    [Params(7, 100)]
    public int Segments { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(42);
        var values = new double[Points];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (((long)i * Segments / values.Length) % 3) + (0.5 * AnalysisBenchmark.Gaussian(rng));
        }

        _signal = SignalMatrix.FromValues(values);
    }

    [Benchmark]
    public int PeltL2() => Pelt.Detect(_signal, new L2Cost(), new PeltOptions(ChangePointSearch.DefaultPenalty(_signal), 5, 1)).Length;
}

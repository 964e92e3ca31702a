using System.Collections.Immutable;

namespace Runlens.Analysis.Signals.ChangePoints;

/// <summary>One segment between change points: samples <c>[Start, End)</c> and the mean of each dimension.</summary>
public sealed record Segment(int Start, int End, ImmutableArray<double> Mean);

/// <summary>The answer of a change-point search, with the parameters that produced it.</summary>
public sealed record ChangePointResult(
    ImmutableArray<int> Breakpoints,
    string Cost,
    double Penalty,
    string PenaltyRule,
    int N,
    int D,
    int MinSize,
    int Jump,
    ImmutableArray<Segment> Segments);

/// <summary>Runs PELT with a named cost and either a given penalty or the default rule.</summary>
public static class ChangePointSearch
{
    public static readonly ImmutableArray<string> Costs = ["l2", "rbf"];

    /// <summary>The default penalty <c>3·ln(n)·σ²</c>, σ² estimated from first differences (<c>var(diff(x)) / 2</c>,
    /// summed over dimensions) so that it scales with the noise; the <c>3logn_var</c> rule of the ruptures oracles.</summary>
    public static double DefaultPenalty(SignalMatrix signal)
    {
        ArgumentNullException.ThrowIfNull(signal);
        if (signal.N < 3)
        {
            return 0;
        }

        var variance = 0.0;
        for (var j = 0; j < signal.D; j++)
        {
            var diffs = new double[signal.N - 1];
            for (var i = 1; i < signal.N; i++)
            {
                diffs[i - 1] = signal[i, j] - signal[i - 1, j];
            }

            var mean = diffs.Average();
            variance += diffs.Sum(d => (d - mean) * (d - mean)) / diffs.Length / 2;
        }

        return 3 * Math.Log(signal.N) * variance;
    }

    public static ISegmentCost CostFor(string name) => name switch
    {
        "l2" => new L2Cost(),
        "rbf" => new RbfCost(),
        _ => throw new ArgumentException($"unknown cost '{name}'; use one of {string.Join(", ", Costs)}", nameof(name)),
    };

    /// <summary>The default penalty for a cost and the name of its rule: <c>3logn_var</c> for l2 (data units), <c>logn</c>
    /// for rbf (whose costs are in kernel units, bounded by the segment length).</summary>
    public static (double Penalty, string Rule) DefaultPenalty(SignalMatrix signal, string cost)
    {
        ArgumentNullException.ThrowIfNull(signal);
        return cost == "rbf" ? (Math.Log(Math.Max(signal.N, 1)), "logn") : (DefaultPenalty(signal), "3logn_var");
    }

    public static ChangePointResult Run(SignalMatrix signal, string cost, double? penalty, int minSize, int jump)
    {
        ArgumentNullException.ThrowIfNull(signal);
        var (defaultPen, defaultRule) = DefaultPenalty(signal, cost);
        var pen = penalty ?? defaultPen;
        var breakpoints = Pelt.Detect(signal, CostFor(cost), new PeltOptions(pen, minSize, jump));
        var segments = ImmutableArray.CreateBuilder<Segment>(breakpoints.Length);
        var start = 0;
        foreach (var end in breakpoints)
        {
            var mean = new double[signal.D];
            for (var j = 0; j < signal.D; j++)
            {
                for (var i = start; i < end; i++)
                {
                    mean[j] += signal[i, j];
                }

                mean[j] /= end - start;
            }

            segments.Add(new Segment(start, end, [.. mean]));
            start = end;
        }

        return new ChangePointResult(breakpoints, cost, pen, penalty is null ? defaultRule : "given", signal.N, signal.D,
            Math.Max(minSize, 1), jump, segments.MoveToImmutable());
    }
}

using System.Collections.Immutable;

namespace Runlens.Analysis.Signals.ChangePoints;

/// <summary>The penalty and segment constraints of a PELT search.</summary>
/// <param name="Penalty">Added once per segment; larger values give fewer change points.</param>
/// <param name="MinSize">Fewest samples per segment (values below 1 count as 1).</param>
/// <param name="Jump">Change points are multiples of this.</param>
public sealed record PeltOptions(double Penalty, int MinSize = 2, int Jump = 1);

/// <summary>Thrown when a signal is too short for the requested minimum segment size.</summary>
public sealed class SegmentationException(string message) : Exception(message)
{
    public SegmentationException()
        : this("bad segmentation parameters")
    {
    }

    public SegmentationException(string message, Exception inner)
        : this(message + ": " + inner.Message)
    {
    }
}

/// <summary>
/// Pruned Exact Linear Time change-point search (Killick et al. 2012), following the recursion and pruning of the
/// <c>ruptures</c> library (<c>Pelt(model, min_size, jump).fit(signal).predict(pen)</c>) step for step, so it returns the
/// same breakpoints: sorted segment end indices, the last one equal to n.
/// </summary>
public static class Pelt
{
    public static ImmutableArray<int> Detect(SignalMatrix signal, ISegmentCost cost, PeltOptions options)
    {
        ArgumentNullException.ThrowIfNull(signal);
        ArgumentNullException.ThrowIfNull(cost);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Jump < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Jump, "jump must be at least 1");
        }

        if (!double.IsFinite(options.Penalty) || options.Penalty < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Penalty, "penalty must be a finite number ≥ 0");
        }

        cost.Fit(signal);
        var n = signal.N;
        var m = Math.Max(options.MinSize, 1);
        if (m > n)
        {
            throw new SegmentationException(
                $"the signal has {n} samples, fewer than the minimum segment size {m}: lower min_size or give a longer signal");
        }

        var jump = options.Jump;
        var pen = options.Penalty;
        var best = new double[n + 1];
        var last = new int[n + 1];
        var solved = new bool[n + 1];
        solved[0] = true;

        // The admissible starts, in list order, and the totals of the current step (arrays: this loop is the hot path).
        var admissible = new int[16];
        var count = 0;
        var kept = new int[16];
        var totals = new double[16];
        var fast = cost is L2Cost { Dimensions: 1 } l2 ? l2 : null;
        foreach (var end in CandidateEnds(n, m, jump))
        {
            if (count == admissible.Length)
            {
                Array.Resize(ref admissible, count * 2);
                Array.Resize(ref kept, count * 2);
                Array.Resize(ref totals, count * 2);
            }

            admissible[count++] = (end - m) / jump * jump;
            var keptCount = 0;
            var min = double.PositiveInfinity;
            var argMin = -1;
            if (fast is not null)
            {
                // One-dimensional L2: the cost inline from the prefix sums, no interface call.
                var sum = fast.PrefixSum;
                var sumSquares = fast.PrefixSumSquares;
                var sEnd = sum[end];
                var s2End = sumSquares[end];
                for (var a = 0; a < count; a++)
                {
                    var start = admissible[a];
                    if (!solved[start])
                    {
                        continue;
                    }

                    var sx = sEnd - sum[start];
                    var c = Math.Max(0, s2End - sumSquares[start] - (sx * sx / (end - start)));
                    var total = best[start] + (c + pen);
                    kept[keptCount] = start;
                    totals[keptCount++] = total;
                    if (total < min)
                    {
                        min = total;
                        argMin = start;
                    }
                }
            }
            else
            {
                for (var a = 0; a < count; a++)
                {
                    var start = admissible[a];
                    if (!solved[start])
                    {
                        continue;
                    }

                    var total = best[start] + (cost.Cost(start, end) + pen);
                    kept[keptCount] = start;
                    totals[keptCount++] = total;
                    if (total < min)
                    {
                        min = total;
                        argMin = start;
                    }
                }
            }

            best[end] = min;
            last[end] = argMin;
            solved[end] = true;
            count = 0;
            for (var i = 0; i < keptCount; i++)
            {
                if (totals[i] <= min + pen)
                {
                    admissible[count++] = kept[i];
                }
            }
        }

        var breakpoints = new List<int>();
        for (var end = n; end > 0; end = last[end])
        {
            breakpoints.Add(end);
        }

        breakpoints.Reverse();
        return [.. breakpoints];
    }

    private static IEnumerable<int> CandidateEnds(int n, int m, int jump)
    {
        for (var k = 0; k < n; k += jump)
        {
            if (k >= m)
            {
                yield return k;
            }
        }

        yield return n;
    }
}

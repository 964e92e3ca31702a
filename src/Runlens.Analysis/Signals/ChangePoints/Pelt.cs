using System.Collections.Immutable;
using System.Numerics;

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
        if (cost is L2Cost { Dimensions: 1 } l2)
        {
            SearchL2(l2, n, m, jump, pen, best, last, solved);
        }
        else if (cost is RbfCost rbf)
        {
            SearchRbf(rbf, n, m, jump, pen, best, last, solved);
        }
        else
        {
            Search(cost.Cost, n, m, jump, pen, best, last, solved);
        }

        var breakpoints = new List<int>();
        for (var end = n; end > 0; end = last[end])
        {
            breakpoints.Add(end);
        }

        breakpoints.Reverse();
        return [.. breakpoints];
    }

    /// <summary>The recursion for any cost: F[s] = min over admissible t of F[t] + (cost(t, s) + pen), then pruning.
    /// <paramref name="reach"/>, when given, is told each end and the admissible starts before their costs are asked.</summary>
    private static void Search(Func<int, int, double> cost, int n, int m, int jump, double pen, double[] best, int[] last, bool[] solved,
        Action<List<int>, int>? reach = null)
    {
        var admissible = new List<int>();
        var kept = new List<int>();
        var totals = new List<double>();
        foreach (var end in CandidateEnds(n, m, jump))
        {
            admissible.Add((end - m) / jump * jump);
            reach?.Invoke(admissible, end);
            kept.Clear();
            totals.Clear();
            var min = double.PositiveInfinity;
            var argMin = -1;
            foreach (var start in admissible)
            {
                if (!solved[start])
                {
                    continue;
                }

                var total = best[start] + (cost(start, end) + pen);
                kept.Add(start);
                totals.Add(total);
                if (total < min)
                {
                    min = total;
                    argMin = start;
                }
            }

            best[end] = min;
            last[end] = argMin;
            solved[end] = true;
            admissible.Clear();
            for (var i = 0; i < kept.Count; i++)
            {
                if (totals[i] <= min + pen)
                {
                    admissible.Add(kept[i]);
                }
            }
        }
    }

    /// <summary>
    /// The recursion for the RBF cost without a kernel table: each admissible start t keeps the sum of its block
    /// Σ_{i,j ∈ [t, end)} K_ij, and moving the end from e to e' adds only the new columns: for the rows i ∈ [t₀, e) (t₀ the
    /// earliest admissible start) the sums r_i = Σ_{j ∈ [e, e')} K_ij, then to every start t twice the suffix sum
    /// Σ_{i ≥ t} r_i plus the new corner block. Work per end is the window (end − t₀) times the jump; memory is linear.
    /// </summary>
    private static void SearchRbf(RbfCost cost, int n, int m, int jump, double pen, double[] best, int[] last, bool[] solved)
    {
        var blocks = new double[n + 1]; // blocks[t]: Σ K over [t, previous end)², for the admissible starts t
        var suffix = new double[n + 1];
        var previous = 0;
        void Reach(List<int> admissible, int end)
        {
            var added = admissible[^1];
            if (admissible.Count == 1 || admissible[^2] != added)
            {
                blocks[added] = added < previous ? cost.BlockSum(added, previous) : 0;
            }

            // the new columns [previous, end): the corner block, and each earlier row's sum over them
            var corner = 0.0;
            for (var j = previous; j < end; j++)
            {
                corner += 1 + (2 * cost.ColumnSum(previous, j, j));
            }

            var running = 0.0;
            suffix[previous] = 0;
            for (var i = previous - 1; i >= admissible[0]; i--)
            {
                var row = 0.0;
                for (var j = previous; j < end; j++)
                {
                    row += cost.Kernel(i, j);
                }

                running += row;
                suffix[i] = running;
            }

            // admissible is sorted; a start listed twice is extended once
            for (var k = 0; k < admissible.Count; k++)
            {
                if (k == 0 || admissible[k] != admissible[k - 1])
                {
                    blocks[admissible[k]] += (2 * suffix[Math.Min(admissible[k], previous)]) + corner;
                }
            }

            previous = end;
        }

        Search((start, end) => (end - start) - (blocks[start] / (end - start)), n, m, jump, pen, best, last, solved, Reach);
    }

    /// <summary>
    /// The same recursion for the one-dimensional L2 cost, vectorised: for every admissible start the prefix sums and
    /// F[t] are kept in contiguous arrays so that all candidate totals of one end are computed with SIMD, with exactly
    /// the scalar operations in the same order (the results are bit-identical). A start whose F is unknown (t &lt; m)
    /// is never added: the generic recursion skips it and prunes it at once.
    /// </summary>
    private static void SearchL2(L2Cost cost, int n, int m, int jump, double pen, double[] best, int[] last, bool[] solved)
    {
        var sum = cost.PrefixSum.ToArray();
        var sumSquares = cost.PrefixSumSquares.ToArray();
        var capacity = 64;
        var index = new int[capacity];
        var startAt = new double[capacity];
        var s1 = new double[capacity];
        var s2 = new double[capacity];
        var f = new double[capacity];
        var totals = new double[capacity];
        var count = 0;
        var width = Vector<double>.Count;
        var zero = Vector<double>.Zero;
        var penV = new Vector<double>(pen);
        foreach (var end in CandidateEnds(n, m, jump))
        {
            var t = (end - m) / jump * jump;
            if (solved[t])
            {
                if (count + width >= capacity)
                {
                    capacity *= 2;
                    Array.Resize(ref index, capacity);
                    Array.Resize(ref startAt, capacity);
                    Array.Resize(ref s1, capacity);
                    Array.Resize(ref s2, capacity);
                    Array.Resize(ref f, capacity);
                    Array.Resize(ref totals, capacity);
                }

                index[count] = t;
                startAt[count] = t;
                s1[count] = sum[t];
                s2[count] = sumSquares[t];
                f[count] = best[t];
                count++;
            }

            var endV = new Vector<double>((double)end);
            var sEnd = new Vector<double>(sum[end]);
            var s2End = new Vector<double>(sumSquares[end]);
            var a = 0;
            var minV = new Vector<double>(double.PositiveInfinity);
            for (; a + width <= count; a += width)
            {
                var sx = sEnd - new Vector<double>(s1, a);
                var c = Vector.Max(zero, s2End - new Vector<double>(s2, a) - (sx * sx / (endV - new Vector<double>(startAt, a))));
                var total = new Vector<double>(f, a) + (c + penV);
                total.CopyTo(totals, a);
                minV = Vector.Min(minV, total);
            }

            var min = double.PositiveInfinity;
            for (var lane = 0; lane < width; lane++)
            {
                min = Math.Min(min, minV[lane]);
            }

            for (; a < count; a++)
            {
                var sx = sum[end] - s1[a];
                var c = Math.Max(0, sumSquares[end] - s2[a] - (sx * sx / (end - startAt[a])));
                totals[a] = f[a] + (c + pen);
                min = Math.Min(min, totals[a]);
            }

            // The first start reaching the minimum, as the generic recursion picks it.
            var argMin = 0;
            while (totals[argMin] != min)
            {
                argMin++;
            }

            best[end] = min;
            last[end] = index[argMin];
            solved[end] = true;

            var limit = min + pen;
            var limitV = new Vector<double>(limit);
            var keep = 0;
            var i0 = 0;

            // Nothing moves while every start is kept: skip whole vectors of kept starts.
            while (i0 + width <= count && Vector.LessThanOrEqualAll(new Vector<double>(totals, i0), limitV))
            {
                i0 += width;
            }

            keep = i0;
            for (var i = i0; i < count; i++)
            {
                if (totals[i] <= limit)
                {
                    if (keep != i)
                    {
                        index[keep] = index[i];
                        startAt[keep] = startAt[i];
                        s1[keep] = s1[i];
                        s2[keep] = s2[i];
                        f[keep] = f[i];
                    }

                    keep++;
                }
            }

            count = keep;
        }
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

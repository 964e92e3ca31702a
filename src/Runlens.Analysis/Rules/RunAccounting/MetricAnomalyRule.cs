using Runlens.Analysis.Findings;
using Runlens.Analysis.Signals;
using Runlens.Model;

namespace Runlens.Analysis.Rules.RunAccounting;

/// <summary>RL0404: isolated statistical outliers in logged metrics other than the losses and the gradient norm.</summary>
public sealed class MetricAnomalyRule : IRule
{
    public RuleDescriptor Descriptor { get; } = RuleDescriptor.Create(
        "RL0404", "metric-anomaly", "Statistical outliers in a logged metric", RuleCategory.RunAccounting, Severity.Info,
        [Signal.AnySeries],
        [typeof(MetricAnomalyEvidence)],
        new RuleOption("min_z", 8, "Robust z-score of a point's deviation from its neighbourhood median from which it is an outlier"),
        new RuleOption("neighbourhood", 5, "Points on each side forming the neighbourhood"),
        new RuleOption("min_relative", 0.1, "A point must also differ from its neighbourhood median by at least this fraction of it"),
        new RuleOption("min_points", 20, "Points a series needs to be judged"));

    public IEnumerable<Finding> Evaluate(RuleContext context)
    {
        var run = context.Run;
        var hits = new List<(Series Series, int Index, double Z, double Expected)>();
        var half = (int)context.Option("neighbourhood");
        // On an evaluation set of a few dozen examples the validation metrics move by whole examples: their jumps are the
        // set's noise (eval-too-small says so), not anomalies.
        var evalTooSmall = EvalSetSize.IsTooSmall(run.Run);
        var chance = ChanceLevel.Of(run);
        foreach (var s in run.Run.Series.Values)
        {
            if (s.Count < context.Option("min_points") || Skip(s.Key) || (evalTooSmall && MetricNames.SplitOf(s.Key) == "val"))
            {
                continue;
            }

            var v = SeriesValues.Of(s);
            // An accuracy or F1 that never rose well above a uniform guess (1/K) belongs to a model that learned nothing:
            // its ups and downs are sampling noise.
            if (chance is not null && AtChance(s.Key, v, chance.Classes))
            {
                continue;
            }

            var skipFirst = Math.Max(2, v.Length / 10);
            var corroborated = BetterWithLoss(run, s);
            var (worst, z, expected) = FindWorst(v, half, skipFirst, context.Option("min_z"), context.Option("min_relative"), corroborated);
            if (worst >= 0)
            {
                hits.Add((s, worst, z, expected));
            }
        }

        if (hits.Count == 0)
        {
            yield break;
        }

        hits.Sort((a, b) => Math.Abs(b.Z).CompareTo(Math.Abs(a.Z)));
        var top = hits[0];
        var p = top.Series.Points[top.Index];
        var evidence = new MetricAnomalyEvidence(
            Series: top.Series.Key,
            Step: p.Step,
            Value: p.Value,
            NeighbourhoodMedian: top.Expected,
            RobustZ: top.Z,
            Threshold: context.Option("min_z"),
            OtherOutliers: [.. hits.Skip(1).Take(10).Select(h => new SeriesOutlier(h.Series.Key, h.Series.Points[h.Index].Step,
                h.Series.Points[h.Index].Value, h.Z))]);

        yield return context.Finding(
            Severity.Info,
            0.5,
            $"Outlier in {top.Series.Key} at step {Format.Step(p.Step)}: {Format.Number(p.Value)} where its neighbours sit near {Format.Number(top.Expected)} ({(Math.Abs(top.Z) > 1000 ? "its neighbours barely vary" : $"robust z {Format.Number(top.Z)}")})"
                + (hits.Count > 1 ? $"; {hits.Count - 1} other series have one too" : ""),
            evidence,
            hits.Select(h => h.Series.Points[h.Index].Step).Distinct(),
            [Recommendation.Do("Check the logging at that step (a partial evaluation, a resumed run, a unit change) before reading anything into the value.")],
            null,
            [.. hits.Select(h => h.Series.Key)]);
    }

    /// <summary>
    /// The most extreme outlier of <paramref name="v"/>: residuals from the median of <paramref name="half"/> neighbours
    /// on each side, scored against the median and MAD of the residuals (estimated from an evenly strided sample of at
    /// most 65,536 residuals — all of them for shorter series). Long series are screened first with a cheap residual
    /// (from the mean of the two adjacent points) so that the neighbourhood median is computed only where an outlier can
    /// be. The first evaluations are learning, not anomalies (<paramref name="skipFirst"/>); a deviation must be material
    /// (<paramref name="minRelative"/> of the neighbourhood level): a near-constant metric has a MAD near zero and
    /// astronomic z-scores for any wiggle.
    /// <para>Two kinds of point are not outliers however large their z-score. A point whose exact value the series also
    /// takes at another point (after <paramref name="skipFirst"/>) is one of the levels the metric moves between: a
    /// quantised metric, such as an accuracy of k/n examples, returns to exactly the same values; an impossible value does
    /// not recur. And a point for which <paramref name="corroborated"/> holds (it stands out in the good direction at an
    /// evaluation where the same split's loss is better than at both neighbouring evaluations) is a better model at that
    /// evaluation, seen by every measure of it, not one number logged wrong.</para>
    /// </summary>
    private static (int Index, double Z, double Expected) FindWorst(double[] v, int half, int skipFirst, double minZ, double minRelative,
        Func<int, int, bool>? corroborated = null)
    {
        const int MaxSample = 65_536;
        var n = v.Length;
        if (n - skipFirst < 3)
        {
            return (-1, 0, 0);
        }

        var stride = Math.Max(1, (n - skipFirst + MaxSample - 1) / MaxSample);
        var sample = new List<double>();
        var cheapSample = new List<double>();
        for (var i = skipFirst; i < n; i += stride)
        {
            sample.Add(Residual(v, i, half, out _));
            cheapSample.Add(Cheap(v, i));
        }

        var center = SeriesMath.Median(sample.ToArray());
        var mad = MadScale(sample, center);
        var cheapCenter = SeriesMath.Median(cheapSample.ToArray());
        var cheapMad = MadScale(cheapSample, cheapCenter);

        var worst = (Index: -1, Z: 0.0, Expected: 0.0);
        Dictionary<double, (int First, int Last)>? levels = null;
        for (var i = skipFirst; i < n; i++)
        {
            if (!double.IsFinite(v[i]))
            {
                continue;
            }

            // Screen: only points that stand out from their two neighbours can stand out from the neighbourhood.
            var cheap = Cheap(v, i) - cheapCenter;
            if (stride > 1 && cheapMad > 0 && Math.Abs(cheap) < 0.5 * minZ * cheapMad)
            {
                continue;
            }

            var r = Residual(v, i, half, out var local) - center;
            var z = mad > 0 ? r / mad : r == 0 ? 0 : double.PositiveInfinity * Math.Sign(r);
            if (double.IsNaN(z) || Math.Abs(z) < minZ || Math.Abs(r) < minRelative * Math.Abs(local) || !Isolated(v, i, Math.Sign(r)))
            {
                continue;
            }

            if (worst.Index >= 0 && Math.Abs(z) <= Math.Abs(worst.Z))
            {
                continue;
            }

            levels ??= Levels(v, skipFirst);
            var (first, last) = levels[v[i]];
            if (first < i || last > i || (corroborated is not null && corroborated(i, Math.Sign(r))))
            {
                continue;
            }

            worst = (i, z, local);
        }

        return worst;
    }

    /// <summary>
    /// Whether v[i] lies beyond both of its nearest finite neighbours in the direction <paramref name="sign"/> of its
    /// deviation: an isolated outlier stands out of the points on either side. A point between its neighbours is part of a
    /// move the series makes (a learning curve's steep rise, a level shift), which the trend and change-point rules read.
    /// </summary>
    private static bool Isolated(double[] v, int i, int sign)
    {
        var seen = 0;
        foreach (var step in (ReadOnlySpan<int>)[-1, 1])
        {
            for (var j = i + step; j >= 0 && j < v.Length; j += step)
            {
                if (double.IsFinite(v[j]))
                {
                    if (sign * (v[i] - v[j]) <= 0)
                    {
                        return false;
                    }

                    seen++;
                    break;
                }
            }
        }

        return seen > 0;
    }

    /// <summary>The first and last index (from <paramref name="skipFirst"/> on) at which each finite value occurs.</summary>
    private static Dictionary<double, (int First, int Last)> Levels(double[] v, int skipFirst)
    {
        var levels = new Dictionary<double, (int First, int Last)>();
        for (var i = skipFirst; i < v.Length; i++)
        {
            if (double.IsFinite(v[i]))
            {
                levels[v[i]] = levels.TryGetValue(v[i], out var seen) ? (seen.First, i) : (i, i);
            }
        }

        return levels;
    }

    /// <summary>
    /// Whether a point of <paramref name="series"/> that stands out with a given sign stands out in the good direction
    /// (up where higher is better, as <see cref="TaskMetrics.GreaterIsBetter"/> says) at an evaluation where the same
    /// split's loss, logged at the same step, is also lower than at both its neighbouring evaluations. Null when the split
    /// logs no loss.
    /// </summary>
    private static Func<int, int, bool>? BetterWithLoss(RunView run, Series series)
    {
        var split = MetricNames.SplitOf(series.Key);
        var loss = split == "val" ? run.ValLoss : run.Run.Series.Values.FirstOrDefault(l => MetricNames.IsLossName(l.Key) && MetricNames.SplitOf(l.Key) == split && MetricNames.NameOf(l.Key) == "loss");
        if (loss is null || ReferenceEquals(loss, series))
        {
            return null;
        }

        var good = TaskMetrics.GreaterIsBetter(run, series) ? 1 : -1;
        var lv = SeriesValues.Of(loss);
        return (i, sign) =>
        {
            if (sign != good)
            {
                return false;
            }

            var j = IndexAt(loss, series.Points[i].Step);
            return j >= 0 && double.IsFinite(lv[j]) && Isolated(lv, j, -1);
        };
    }

    private static int IndexAt(Series series, long step)
    {
        int lo = 0, hi = series.Count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) / 2;
            var at = series.Points[mid].Step;
            if (at == step)
            {
                return mid;
            }

            if (at < step)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return -1;
    }

    private static double MadScale(List<double> values, double center)
    {
        var dev = new double[values.Count];
        for (var i = 0; i < dev.Length; i++)
        {
            dev[i] = Math.Abs(values[i] - center);
        }

        return SeriesMath.Median(dev) * RobustZ.NormalScale;
    }

    private static double Cheap(double[] v, int i)
    {
        var left = i > 0 ? v[i - 1] : v[i + 1];
        var right = i + 1 < v.Length ? v[i + 1] : v[i - 1];
        return v[i] - ((left + right) / 2);
    }

    /// <summary>v[i] minus the median of up to <paramref name="half"/> neighbours on each side (allocation-free). Where the
    /// neighbours lie more on one side (the last points), their median lags a trending series, so the median step between
    /// them carries it to <paramref name="i"/>: a steadily rising metric's last value is not an outlier.</summary>
    private static double Residual(double[] v, int i, int half, out double local)
    {
        var size = 2 * Math.Min(half, 32);
        Span<double> window = stackalloc double[size];
        Span<double> steps = stackalloc double[size];
        var count = 0;
        var stepCount = 0;
        var indexSum = 0L;
        var previous = -1;
        for (var j = Math.Max(0, i - half); j < Math.Min(v.Length, i + half + 1) && count < window.Length; j++)
        {
            if (j != i && double.IsFinite(v[j]))
            {
                if (previous >= 0 && previous + 1 == j)
                {
                    steps[stepCount++] = v[j] - v[previous];
                }

                window[count++] = v[j];
                indexSum += j;
                previous = j;
            }
        }

        local = SeriesMath.Median(window[..count]);
        var lag = count > 0 ? i - (indexSum / (double)count) : 0;
        if (Math.Abs(lag) >= 1 && stepCount > 0)
        {
            local += SeriesMath.Median(steps[..stepCount]) * lag;
        }

        return v[i] - local;
    }

    private static bool AtChance(string key, double[] v, int classes)
    {
        var name = MetricNames.NameOf(key);
        if (name != "accuracy" && !name.Contains("f1", StringComparison.Ordinal))
        {
            return false;
        }

        var max = double.NegativeInfinity;
        foreach (var x in v)
        {
            max = double.IsFinite(x) ? Math.Max(max, x) : max;
        }

        return max <= SuddenMetricDropRule.AtChanceFactor / classes;
    }

    private static bool Skip(string key)
    {
        var n = MetricNames.NameOf(key);
        // losses, gradients and learning rates have rules of their own; bookkeeping and clock readings are not metrics
        return MetricNames.IsLossName(key) || key == MetricNames.GradNorm || key == MetricNames.LearningRate || MetricNames.IsBookkeeping(key)
            || n.Contains("time", StringComparison.Ordinal) || n.StartsWith("lr", StringComparison.Ordinal)
            || n.Contains("learning_rate", StringComparison.Ordinal) || n.Contains("grad", StringComparison.Ordinal);
    }
}

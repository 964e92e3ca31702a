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
        new RuleOption("min_z", 8, "Robust z-score of a point's deviation from its neighbourhood median from which it is an outlier"),
        new RuleOption("neighbourhood", 5, "Points on each side forming the neighbourhood"),
        new RuleOption("min_relative", 0.1, "A point must also differ from its neighbourhood median by at least this fraction of it"),
        new RuleOption("min_points", 20, "Points a series needs to be judged"));

    public IEnumerable<Finding> Evaluate(RuleContext context)
    {
        var run = context.Run;
        var hits = new List<(Series Series, int Index, double Z, double Expected)>();
        var half = (int)context.Option("neighbourhood");
        foreach (var s in run.Run.Series.Values)
        {
            if (s.Count < context.Option("min_points") || Skip(s.Key))
            {
                continue;
            }

            var v = s.Values();
            var residual = new double[v.Length];
            var local = new double[v.Length];
            for (var i = 0; i < v.Length; i++)
            {
                var from = Math.Max(0, i - half);
                var to = Math.Min(v.Length, i + half + 1);
                var window = new List<double>(to - from);
                for (var j = from; j < to; j++)
                {
                    if (j != i)
                    {
                        window.Add(v[j]);
                    }
                }

                local[i] = SeriesMath.Median(window.ToArray());
                residual[i] = v[i] - local[i];
            }

            var z = RobustZ.Scores(residual);
            var worst = -1;

            // The first evaluations are learning, not anomalies; and a deviation must be material (min_relative of the
            // neighbourhood level) — a near-constant metric has a MAD near zero and astronomic z-scores for any wiggle.
            var skipFirst = Math.Max(2, v.Length / 10);
            for (var i = skipFirst; i < z.Length; i++)
            {
                if (double.IsFinite(z[i]) && Math.Abs(z[i]) >= context.Option("min_z")
                    && Math.Abs(residual[i]) >= context.Option("min_relative") * Math.Abs(local[i])
                    && (worst < 0 || Math.Abs(z[i]) > Math.Abs(z[worst])))
                {
                    worst = i;
                }
            }

            if (worst >= 0)
            {
                hits.Add((s, worst, z[worst], local[worst]));
            }
        }

        if (hits.Count == 0)
        {
            yield break;
        }

        hits.Sort((a, b) => Math.Abs(b.Z).CompareTo(Math.Abs(a.Z)));
        var top = hits[0];
        var p = top.Series.Points[top.Index];
        var evidence = Evidence.Builder()
            .Add("series", top.Series.Key)
            .Add("step", p.Step)
            .Add("value", p.Value)
            .Add("neighbourhood_median", top.Expected)
            .Add("robust_z", top.Z)
            .Add("threshold", context.Option("min_z"))
            .Add("other_series", hits.Skip(1).Take(10).Select(h => $"{h.Series.Key} at step {Format.Step(h.Series.Points[h.Index].Step)}").ToArray())
            .Build();

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

    private static bool Skip(string key)
    {
        var n = MetricNames.NameOf(key);
        return MetricNames.IsLossName(key) || key == MetricNames.GradNorm || key == MetricNames.LearningRate
            || n.Contains("epoch", StringComparison.Ordinal) || n.Contains("step", StringComparison.Ordinal)
            || n.Contains("runtime", StringComparison.Ordinal) || n.Contains("per_second", StringComparison.Ordinal)
            || n.Contains("time", StringComparison.Ordinal) || n.StartsWith("lr", StringComparison.Ordinal)
            || n.Contains("learning_rate", StringComparison.Ordinal) || n.Contains("grad", StringComparison.Ordinal);
    }
}

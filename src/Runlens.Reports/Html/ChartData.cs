using System.Text.Json;
using Runlens.Analysis.Diagnoses;
using Runlens.Model;
using Runlens.Reports.Json;

namespace Runlens.Reports.Html;

/// <summary>
/// The charts of one diagnosis as the page's script draws them: one chart per metric name with its splits overlaid
/// (train/loss with val/loss), x the union of their steps. A series longer than <see cref="MaxRawPoints"/> is reduced
/// to <see cref="Buckets"/> buckets of consecutive points, each drawn as its mean with a band from its lowest to its
/// highest value, so a one-point spike stays visible at every zoom level; non-finite values become markers. Markers also
/// show each finding's steps on the charts of its series and the best checkpoint.
/// </summary>
internal static class ChartData
{
    public const int MaxRawPoints = 4000;
    public const int Buckets = 1500;
    private const int MaxNonFiniteMarkers = 20;

    public static void Write(Utf8JsonWriter w, Diagnosis d) => Write(w, d.Run, d.Findings);

    public static void Write(Utf8JsonWriter w, Run run, IReadOnlyList<Analysis.Findings.Finding> findings)
    {
        w.WriteStartArray("charts");
        var groups = run.Series.Values.Where(s => s.Count > 0)
            .GroupBy(s => MetricNames.NameOf(s.Key), StringComparer.Ordinal)
            .OrderBy(g => Order(g.Key)).ThenBy(g => g.Key, StringComparer.Ordinal);
        var index = 0;
        foreach (var group in groups)
        {
            var series = group.OrderBy(s => MetricNames.SplitOf(s.Key) == "train" ? 0 : 1).ThenBy(s => s.Key, StringComparer.Ordinal).Select(Reduce).ToList();
            var xs = series.SelectMany(s => s.X).Distinct().Order().ToArray();
            var at = xs.Select((x, i) => (x, i)).ToDictionary(p => p.x, p => p.i);
            w.WriteStartObject();
            w.WriteString("id", "chart-" + index++);
            w.WriteString("title", group.Key);
            w.WriteStartArray("x");
            foreach (var x in xs)
            {
                w.WriteNumberValue(x);
            }

            w.WriteEndArray();
            w.WriteStartArray("series");
            foreach (var s in series)
            {
                w.WriteStartObject();
                w.WriteString("key", s.Key);
                w.WriteString("name", s.Name);
                w.WriteNumber("points", s.Points);
                w.WriteBoolean("downsampled", s.Lo is not null);
                Aligned(w, "y", s.X, s.Y, at, xs.Length);
                if (s.Lo is not null)
                {
                    Aligned(w, "lo", s.X, s.Lo, at, xs.Length);
                    Aligned(w, "hi", s.X, s.Hi!, at, xs.Length);
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("markers");
            var keys = group.Select(s => s.Key).ToHashSet(StringComparer.Ordinal);
            foreach (var f in findings.Where(f => f.SeriesKeys.Any(keys.Contains)))
            {
                foreach (var step in f.Steps.Distinct().Take(10))
                {
                    Marker(w, step, "finding", f.Title, f.Severity.ToString().ToLowerInvariant(), f.RuleId);
                }
            }

            if (run.Trainer.BestStep is { } best)
            {
                Marker(w, best, "best", $"best checkpoint (step {best})" + (run.Trainer.BestCheckpoint is { } c ? $": {c}" : ""), null, null);
            }

            foreach (var s in series)
            {
                foreach (var step in s.NonFinite.Take(MaxNonFiniteMarkers))
                {
                    Marker(w, step, "nonfinite", $"{s.Key} is not finite at step {step}", "error", null);
                }
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    /// <summary>Losses first, then the task metrics, then the rest (learning rate, gradient norm, runtime…).</summary>
    private static int Order(string name) => MetricNames.IsLossName(name) ? 0 : name is "learning_rate" or "grad_norm" or "epoch" ? 2 : 1;

    private static void Marker(Utf8JsonWriter w, long step, string kind, string label, string? severity, string? rule)
    {
        w.WriteStartObject();
        w.WriteNumber("step", step);
        w.WriteString("kind", kind);
        w.WriteString("label", label);
        if (severity is not null)
        {
            w.WriteString("severity", severity);
        }

        if (rule is not null)
        {
            w.WriteString("rule", rule);
        }

        w.WriteEndObject();
    }

    /// <summary>Writes <paramref name="ys"/> as an array aligned on a chart's x (its index by step in
    /// <paramref name="at"/>): null where the series has no point or a non-finite one.</summary>
    internal static void Aligned(Utf8JsonWriter w, string name, long[] xs, double[] ys, Dictionary<long, int> at, int length)
    {
        var row = new double?[length];
        for (var i = 0; i < xs.Length; i++)
        {
            row[at[xs[i]]] = double.IsFinite(ys[i]) ? ys[i] : null;
        }

        w.WriteStartArray(name);
        foreach (var v in row)
        {
            if (v is { } value)
            {
                JsonNumbers.Write(w, value);
            }
            else
            {
                w.WriteNullValue();
            }
        }

        w.WriteEndArray();
    }

    private sealed record Reduced(string Key, string Name, int Points, long[] X, double[] Y, double[]? Lo, double[]? Hi, List<long> NonFinite);

    private static Reduced Reduce(Series s)
    {
        var points = s.Points;
        var nonFinite = new List<long>();
        foreach (var p in points)
        {
            if (!double.IsFinite(p.Value) && nonFinite.Count < MaxNonFiniteMarkers)
            {
                nonFinite.Add(p.Step);
            }
        }

        if (points.Length <= MaxRawPoints)
        {
            // several points at one step (a restarted run): the last one is drawn
            var last = new SortedDictionary<long, double>();
            foreach (var p in points)
            {
                last[p.Step] = p.Value;
            }

            return new Reduced(s.Key, s.OriginalName, points.Length, [.. last.Keys], [.. last.Values], null, null, nonFinite);
        }

        var xs = new List<long>(Buckets);
        var mid = new List<double>(Buckets);
        var lo = new List<double>(Buckets);
        var hi = new List<double>(Buckets);
        for (var b = 0; b < Buckets; b++)
        {
            var from = (int)((long)b * points.Length / Buckets);
            var to = (int)((long)(b + 1) * points.Length / Buckets);
            if (to <= from)
            {
                continue;
            }

            double sum = 0, min = double.PositiveInfinity, max = double.NegativeInfinity;
            var n = 0;
            for (var i = from; i < to; i++)
            {
                var v = points[i].Value;
                if (double.IsFinite(v))
                {
                    sum += v;
                    n++;
                    min = Math.Min(min, v);
                    max = Math.Max(max, v);
                }
            }

            var x = points[from].Step;
            if (xs.Count > 0 && x <= xs[^1])
            {
                continue; // steps that go back (a restart) keep the drawing monotonic
            }

            xs.Add(x);
            mid.Add(n > 0 ? sum / n : double.NaN);
            lo.Add(n > 0 ? min : double.NaN);
            hi.Add(n > 0 ? max : double.NaN);
        }

        return new Reduced(s.Key, s.OriginalName, points.Length, [.. xs], [.. mid], [.. lo], [.. hi], nonFinite);
    }
}

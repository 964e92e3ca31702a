using System.Globalization;
using Runlens.Analysis.Findings;
using Runlens.Model.Predictions;

namespace Runlens.Analysis.Rules.DataAndLabels;

/// <summary>
/// RL0307: a slice of the validation data (a data source, a duration bucket) scores far below the best slice — seed 001:
/// one dataset more than 20% below the others. Needs the validation predictions and <c>--slice-by</c> or
/// <c>--bucket-by</c>.
/// </summary>
public sealed class SliceGapRule : IRule
{
    public RuleDescriptor Descriptor { get; } = RuleDescriptor.Create(
        "RL0307", "slice-gap", "A slice of the data scores far below the others", RuleCategory.DataAndLabels, Severity.Warning,
        [Signal.Predictions],
        [typeof(SliceGapEvidence)],
        new RuleOption("max_gap", 0.2, "Accuracy below the best slice's by more than this is reported (usual guidance: one dataset > 20% below the others)"),
        new RuleOption("min_support", 30, "Examples a slice needs to be judged (smaller slices are listed, not judged)"));

    /// <summary>One slice's numbers.</summary>
    private sealed record Slice(string Name, int Count, double Accuracy, double MacroF1, double? Low, double? High);

    public IEnumerable<Finding> Evaluate(RuleContext context)
    {
        var predictions = context.Run.Predictions;
        if (predictions?.Set is not { } set)
        {
            yield break;
        }

        var spec = predictions.Slices;
        var columns = new List<(string Column, string Kind, string[] Keys, int Skipped, double[]? Edges)>();
        foreach (var name in spec.SliceBy.Distinct(StringComparer.Ordinal))
        {
            if (set.Slice(name) is { } column)
            {
                var empty = column.Values.Count(v => v.Length == 0);
                columns.Add((name, "slice", [.. column.Values.Select(v => v.Length == 0 ? "" : v)], empty, null));
            }
        }

        if (spec.BucketBy is { } bucket && set.Slice(bucket.Column) is { } bucketColumn)
        {
            var edges = bucket.Edges.Where(double.IsFinite).Distinct().Order().ToArray();
            if (edges.Length > 0)
            {
                var skipped = 0;
                var keys = new string[set.Count];
                for (var i = 0; i < set.Count && i < bucketColumn.Values.Length; i++)
                {
                    if (double.TryParse(bucketColumn.Values[i], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v))
                    {
                        keys[i] = BucketOf(v, edges);
                    }
                    else
                    {
                        keys[i] = "";
                        skipped++;
                    }
                }

                columns.Add((bucket.Column, "bucket", keys, skipped, edges));
            }
        }

        var overall = predictions.Evaluation.Metrics.Accuracy;
        var maxGap = context.Option("max_gap");
        var minSupport = context.Option("min_support");
        foreach (var (column, kind, keys, skippedExamples, edges) in columns)
        {
            var slices = Slices(set, keys, edges);
            var judged = slices.Where(s => s.Count >= minSupport).ToList();
            if (judged.Count < 2)
            {
                continue;
            }

            var best = judged.MaxBy(s => s.Accuracy)!;
            var below = judged.Where(s => best.Accuracy - s.Accuracy > maxGap).OrderBy(s => s.Accuracy).ToList();
            if (below.Count == 0)
            {
                continue;
            }

            var worst = below[0];
            var z = TwoProportionZ(best, worst);
            var evidence = new SliceGapEvidence(
                EvidenceSource: "validation-predictions",
                Column: column,
                Kind: kind,
                Edges: edges is null ? [] : [.. edges],
                OverallAccuracy: overall,
                OverallMacroF1: predictions.Evaluation.Metrics.F1.Macro,
                BestSlice: best.Name,
                BestAccuracy: best.Accuracy,
                WorstSlice: worst.Name,
                WorstAccuracy: worst.Accuracy,
                Gap: best.Accuracy - worst.Accuracy,
                GapToOverall: overall - worst.Accuracy,
                Threshold: maxGap,
                ThresholdExamples: minSupport,
                Z: z,
                SlicesBelow: [.. below.Select(s => s.Name)],
                Slices: [.. slices.Select(s => new SliceScore(s.Name, s.Low, s.High, s.Count, s.Accuracy, s.MacroF1, s.Count >= minSupport))],
                SkippedExamples: skippedExamples);

            var confidence = Math.Min(0.9, 0.5 + (0.1 * z));
            yield return context.Finding(
                Severity.Warning,
                confidence,
                $"{column} {worst.Name} scores accuracy {Format.Number(worst.Accuracy)} (n {worst.Count}), {Format.Number(best.Accuracy - worst.Accuracy)} below {best.Name} ({Format.Number(best.Accuracy)})"
                    + (below.Count > 1 ? $"; {below.Count} {column} slices are more than {Format.Number(maxGap)} below the best" : ""),
                evidence,
                [],
                kind == "bucket"
                    ? [
                        Recommendation.Do($"Look at the examples in {column} {worst.Name}: whether the preprocessing (cropping, padding, truncation) treats them differently, and whether they carry enough signal."),
                        Recommendation.Do($"Add or up-weight training examples in {column} {worst.Name}, or train with the same {column} distribution as validation."),
                    ]
                    : [
                        Recommendation.Do($"Check {column} {worst.Name} for quality and labelling problems (label mapping, audio or text quality, annotation guideline)."),
                        Recommendation.Do($"Add or up-weight {column} {worst.Name} in training, or drop it if it cannot be fixed; report per-{column} metrics from now on."),
                    ],
                $"Performance is not uniform across {column}: the model fails on part of the data that the overall metrics average away.");
        }
    }

    /// <summary>The bucket label of <paramref name="v"/>: <c>[a, b)</c> between edges, <c>&lt; first</c> and <c>≥ last</c> outside.</summary>
    private static string BucketOf(double v, double[] edges)
    {
        if (v < edges[0])
        {
            return $"< {Format.Number(edges[0])}";
        }

        for (var i = 0; i + 1 < edges.Length; i++)
        {
            if (v < edges[i + 1])
            {
                return $"[{Format.Number(edges[i])}, {Format.Number(edges[i + 1])})";
            }
        }

        return $"≥ {Format.Number(edges[^1])}";
    }

    /// <summary>Per slice: count, accuracy and macro-F1 over the classes present in the slice's labels or predictions
    /// (scikit-learn's default label set). Slices in bucket order for buckets, by name otherwise; empty keys are skipped.</summary>
    private static List<Slice> Slices(PredictionSet set, string[] keys, double[]? edges)
    {
        var k = set.Classes.Length;
        var members = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var i = 0; i < set.Count && i < keys.Length; i++)
        {
            if (keys[i] is not { Length: > 0 } key)
            {
                continue;
            }

            if (!members.TryGetValue(key, out var list))
            {
                members[key] = list = [];
            }

            list.Add(i);
        }

        var result = new List<Slice>();
        foreach (var (name, list) in members)
        {
            var tp = new int[k];
            var support = new int[k];
            var predicted = new int[k];
            foreach (var i in list)
            {
                support[set.TrueIndices[i]]++;
                predicted[set.PredictedIndices[i]]++;
                if (set.TrueIndices[i] == set.PredictedIndices[i])
                {
                    tp[set.TrueIndices[i]]++;
                }
            }

            double f1Sum = 0;
            var present = 0;
            for (var c = 0; c < k; c++)
            {
                if (support[c] + predicted[c] == 0)
                {
                    continue;
                }

                present++;
                f1Sum += 2.0 * tp[c] / (support[c] + predicted[c]);
            }

            var (low, high) = edges is null ? (null, null) : Bounds(name, edges);
            result.Add(new Slice(name, list.Count, (double)tp.Sum() / list.Count, present == 0 ? 0 : f1Sum / present, low, high));
        }

        return edges is null
            ? [.. result.OrderBy(s => s.Name, StringComparer.Ordinal)]
            : [.. result.OrderBy(s => BucketRank(s.Name, edges))];
    }

    /// <summary>The bounds of a bucket (null for an open end).</summary>
    private static (double? Low, double? High) Bounds(string name, double[] edges)
    {
        var rank = BucketRank(name, edges);
        return rank < 0 ? (null, edges[0])
            : rank >= edges.Length - 1 ? (edges[^1], null)
            : (edges[rank], edges[rank + 1]);
    }

    private static int BucketRank(string name, double[] edges)
    {
        if (name.StartsWith('<'))
        {
            return -1;
        }

        if (name.StartsWith('≥'))
        {
            return edges.Length;
        }

        for (var i = 0; i + 1 < edges.Length; i++)
        {
            if (name.StartsWith($"[{Format.Number(edges[i])},", StringComparison.Ordinal))
            {
                return i;
            }
        }

        return edges.Length + 1;
    }

    /// <summary>The two-proportion z statistic of the accuracy difference (pooled standard error; 0 when it is 0).</summary>
    private static double TwoProportionZ(Slice a, Slice b)
    {
        var pooled = ((a.Accuracy * a.Count) + (b.Accuracy * b.Count)) / (a.Count + b.Count);
        var se = Math.Sqrt(pooled * (1 - pooled) * ((1.0 / a.Count) + (1.0 / b.Count)));
        return se > 0 ? (a.Accuracy - b.Accuracy) / se : 0;
    }
}

using System.Globalization;
using Runlens.Analysis;
using Runlens.Analysis.Evaluation;
using Runlens.Analysis.Metrics;
using Runlens.Analysis.Rules.DataAndLabels;
using Runlens.Model;
using Runlens.Tests.Support;

namespace Runlens.Tests.Analysis.Rules;

/// <summary>RL0307 slice-gap on generated predictions with a source column and a duration column.</summary>
public sealed class SliceGapRuleTests : RuleTestBase
{
    private static readonly string[] Classes = ["a", "b", "c", "d"];

    private static Run EmptyRun() => new RunBuilder().Series("train/loss", 50, RunBuilder.Falling(20, 1.6, 0.8, 0.05)).Build();

    /// <summary>Examples from sources with the given accuracies (and counts); duration uniform in [1, 20) s with accuracy
    /// <paramref name="durationAccuracy"/> scaling it; a few durations are not numbers.</summary>
    private static PredictionSetBuilder Generate(int seed, (string Source, int Count, double Accuracy)[] sources, Func<double, double>? durationAccuracy = null)
    {
        var rng = new Random(seed);
        var b = new PredictionSetBuilder(Classes);
        var n = 0;
        foreach (var (source, count, accuracy) in sources)
        {
            for (var i = 0; i < count; i++)
            {
                var label = rng.Next(Classes.Length);
                var duration = 1 + (19 * rng.NextDouble());
                var p = accuracy * (durationAccuracy?.Invoke(duration) ?? 1);
                var predicted = rng.NextDouble() < p ? label : (label + 1 + rng.Next(Classes.Length - 1)) % Classes.Length;
                var d = n % 97 == 0 ? "n/a" : duration.ToString("0.00", CultureInfo.InvariantCulture);
                b.Add($"ex{n++}", label, predicted, null, ("source", source), ("duration", d));
            }
        }

        return b;
    }

    [Fact]
    public void Fires_for_a_source_far_below_the_others_and_lists_every_slice()
    {
        var set = Generate(1, [("TIMIT", 400, 0.82), ("CommonVoice", 500, 0.74), ("CORAAL", 300, 0.45), ("tiny", 12, 0.0)]).Build();
        var ctx = PredictionContext.Of(set, new SliceSpec(null, ["source"], null));
        var f = Assert.Single(Findings(EmptyRun(), ctx, "slice-gap"));
        Assert.Equal("CORAAL", EvidenceOf<SliceGapEvidence>(f).WorstSlice);
        Assert.Equal("TIMIT", EvidenceOf<SliceGapEvidence>(f).BestSlice);
        Assert.Equal(["CORAAL"], EvidenceOf<SliceGapEvidence>(f).SlicesBelow.ToArray());
        Assert.InRange(EvidenceOf<SliceGapEvidence>(f).Gap, 0.25, 0.5);
        var slices = EvidenceOf<SliceGapEvidence>(f).Slices;
        Assert.Equal(4, slices.Length);
        Assert.Contains(slices, s => s is { Slice: "tiny", Examples: 12, Judged: false, Low: null, High: null });
        Assert.Contains(slices, s => s is { Slice: "CORAAL", Examples: 300, Accuracy: >= 0.4 and < 0.5, Judged: true });
        Assert.True(f.Confidence >= 0.85);

        // Per-slice accuracy and macro-F1 agree with the scikit-learn-checked metrics over the slice alone (its classes:
        // the labels and predictions present, scikit-learn's default).
        var source = set.Slice("source")!.Values;
        foreach (var name in new[] { "TIMIT", "CommonVoice", "CORAAL", "tiny" })
        {
            var idx = Enumerable.Range(0, set.Count).Where(i => source[i] == name).ToList();
            var m = ClassificationMetrics.Compute(ClassificationInput.FromLabels(
                [.. idx.Select(i => Classes[set.TrueIndices[i]])], [.. idx.Select(i => Classes[set.PredictedIndices[i]])]));
            var slice = Assert.Single(slices, s => s.Slice == name);
            Assert.Equal(idx.Count, slice.Examples);
            Assert.Equal(m.Accuracy, slice.Accuracy, 12);
            Assert.Equal(m.F1.Macro, slice.MacroF1, 12);
        }
    }

    [Fact]
    public void Stays_quiet_when_sources_are_close_or_only_one_is_large_enough()
    {
        var close = Generate(2, [("TIMIT", 400, 0.80), ("CommonVoice", 500, 0.72), ("CORAAL", 300, 0.66)]).Build();
        Assert.Empty(Findings(EmptyRun(), PredictionContext.Of(close, new SliceSpec(null, ["source"], null)), "slice-gap"));
        var small = Generate(3, [("TIMIT", 400, 0.80), ("CORAAL", 20, 0.2)]).Build();
        Assert.Empty(Findings(EmptyRun(), PredictionContext.Of(small, new SliceSpec(null, ["source"], null)), "slice-gap"));
        Assert.Single(Findings(EmptyRun(), PredictionContext.Of(small, new SliceSpec(null, ["source"], null)), "slice-gap", "slice-gap.min_support=10"));
    }

    [Fact]
    public void Buckets_a_numeric_column_at_the_edges_with_outside_buckets_and_skips_non_numbers()
    {
        // Short clips carry few accent cues: accuracy 0.35 below 5 s, 0.8 above.
        var set = Generate(4, [("cv", 1500, 1.0)], d => d < 5 ? 0.35 : 0.8).Build();
        var ctx = PredictionContext.Of(set, new SliceSpec(null, [], ("duration", [5, 10, 0, 15])));
        var f = Assert.Single(Findings(EmptyRun(), ctx, "slice-gap"));
        Assert.Equal("bucket", EvidenceOf<SliceGapEvidence>(f).Kind);
        Assert.Equal([0.0, 5, 10, 15], EvidenceOf<SliceGapEvidence>(f).Edges.ToArray());
        Assert.Equal("[0, 5)", EvidenceOf<SliceGapEvidence>(f).WorstSlice);
        var slices = EvidenceOf<SliceGapEvidence>(f).Slices;
        Assert.Equal(["[0, 5)", "[5, 10)", "[10, 15)", "≥ 15"], slices.Select(s => s.Slice));
        var skipped = Enumerable.Range(0, 1500).Count(i => i % 97 == 0);
        Assert.Equal(skipped, EvidenceOf<SliceGapEvidence>(f).SkippedExamples);
        Assert.Equal([(0.0, 5.0), (5.0, 10.0), (10.0, 15.0), (15.0, null)], slices.Select(s => (s.Low!.Value, s.High)));

        // Edges above every value: everything below the first edge is one outside bucket, nothing to compare.
        Assert.Empty(Findings(EmptyRun(), PredictionContext.Of(set, new SliceSpec(null, [], ("duration", [100]))), "slice-gap"));
    }

    [Fact]
    public void No_finding_without_slice_columns_or_with_a_missing_column()
    {
        var set = Generate(5, [("TIMIT", 400, 0.82), ("CORAAL", 300, 0.40)]).Build();
        Assert.Empty(Findings(EmptyRun(), PredictionContext.Of(set), "slice-gap"));
        Assert.Empty(Findings(EmptyRun(), PredictionContext.Of(set, new SliceSpec(null, ["domain"], ("length", [0, 5]))), "slice-gap"));
        Assert.Single(Findings(EmptyRun(), PredictionContext.Of(set, new SliceSpec("source", ["source", "domain"], null)), "slice-gap"));
    }
}

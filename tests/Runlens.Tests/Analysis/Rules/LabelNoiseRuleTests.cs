using System.Text.Json;
using Runlens.Analysis.Evaluation;
using Runlens.Analysis.Findings;
using Runlens.Analysis.Rules.DataAndLabels;
using Runlens.Model;
using Runlens.Tests.Support;

namespace Runlens.Tests.Analysis.Rules;

/// <summary>RL0303 label-noise: confident learning against the numpy oracle, and the rule on generated predictions.</summary>
public sealed class LabelNoiseRuleTests : RuleTestBase
{
    private static Run EmptyRun() => new RunBuilder().Series("train/loss", 50, RunBuilder.Falling(20, 1.6, 0.8, 0.05)).Build();

    [Fact]
    public void Confident_learning_matches_the_numpy_oracle_exactly()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Fixtures.Test(Path.Combine("oracles", "confident_learning", "cl.json"))));
        var cases = doc.RootElement.GetProperty("cases").EnumerateArray().ToList();
        Assert.Equal(11, cases.Count);
        foreach (var c in cases)
        {
            var id = c.GetProperty("id").GetString();
            var k = c.GetProperty("k").GetInt32();
            var labels = c.GetProperty("labels").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            var probs = c.GetProperty("probabilities").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            var r = ConfidentLearning.Find(k, labels, probs);

            var thresholds = c.GetProperty("thresholds").EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Null ? double.NaN : e.GetDouble()).ToArray();
            for (var j = 0; j < k; j++)
            {
                Assert.True(double.IsNaN(thresholds[j]) ? double.IsNaN(r.Thresholds[j]) : Math.Abs(thresholds[j] - r.Thresholds[j]) <= 1e-12, $"{id}: threshold {j}");
            }

            var joint = c.GetProperty("confident_joint").EnumerateArray().SelectMany(row => row.EnumerateArray().Select(e => e.GetInt64())).ToArray();
            Assert.True(joint.SequenceEqual(r.ConfidentJoint), $"{id}: confident joint");
            Assert.Equal(c.GetProperty("count").GetInt32(), r.Issues.Count);
            Assert.Equal(c.GetProperty("unassigned").GetInt32(), r.Unassigned);
            Assert.Equal(c.GetProperty("issues").EnumerateArray().Select(e => e.GetInt32()), r.Issues.Select(i => i.Example));
            Assert.Equal(c.GetProperty("given").EnumerateArray().Select(e => e.GetInt32()), r.Issues.Select(i => i.Given));
            Assert.Equal(c.GetProperty("suspected").EnumerateArray().Select(e => e.GetInt32()), r.Issues.Select(i => i.Suspected));
            Assert.Equal(c.GetProperty("margins").EnumerateArray().Select(e => e.GetDouble()), r.Issues.Select(i => i.Margin));
            Assert.True(Math.Abs(c.GetProperty("noise_rate").GetDouble() - r.NoiseRate) <= 1e-12, $"{id}: noise rate {r.NoiseRate}");
        }
    }

    /// <summary>n examples of k classes; a model that sees the true class (logit + sharp, Gaussian noise); a share of the
    /// labels flipped to another class. Returns the set and the ids of the flipped examples.</summary>
    private static (PredictionContext Context, HashSet<string> Flipped) Generate(int n, int k, double flip, double sharp, int seed, bool probabilities = true)
    {
        var rng = new Random(seed);
        var classes = Enumerable.Range(0, k).Select(i => $"region_{i}").ToArray();
        var b = new PredictionSetBuilder(classes);
        var flipped = new HashSet<string>();
        for (var i = 0; i < n; i++)
        {
            var truth = rng.Next(k);
            var label = truth;
            var id = $"utt-{i:D4}";
            if (rng.NextDouble() < flip)
            {
                label = (truth + 1 + rng.Next(k - 1)) % k;
                flipped.Add(id);
            }

            var logits = Enumerable.Range(0, k).Select(c => PredictionSetBuilder.Normal(rng) + (c == truth ? sharp : 0)).ToArray();
            var p = PredictionSetBuilder.Softmax(logits);
            if (probabilities)
            {
                b.Add(id, label, probabilities: p);
            }
            else
            {
                b.Add(id, label, predicted: Array.IndexOf(p, p.Max()));
            }
        }

        return (PredictionContext.Of(b.Build()), flipped);
    }

    [Fact]
    public void Fires_as_a_warning_with_the_flipped_examples_at_the_top()
    {
        var (ctx, flipped) = Generate(1500, 6, 0.12, 4.0, seed: 3);
        var f = Assert.Single(Findings(EmptyRun(), ctx, "label-noise"));
        Assert.Equal(Severity.Warning, f.Severity);
        var rate = EvidenceOf<LabelNoiseEvidence>(f).EstimatedNoiseFraction;
        Assert.InRange(rate, 0.07, 0.2);
        var ids = EvidenceOf<LabelNoiseEvidence>(f).SuspectedExamples.Select(x => x.ExampleId).ToArray();
        Assert.Equal(20, ids.Length);
        // The largest margins are real flips.
        Assert.True(ids.Count(flipped.Contains) >= 18, $"{ids.Count(flipped.Contains)} of 20 listed are flipped");
        Assert.StartsWith("region_", EvidenceOf<LabelNoiseEvidence>(f).SuspectedExamples[0].Given, StringComparison.Ordinal);
        Assert.True(f.Confidence > 0.7);
    }

    [Fact]
    public void Is_info_below_the_warning_rate_and_quiet_on_clean_labels()
    {
        var (low, _) = Generate(1500, 6, 0.015, 4.0, seed: 5);
        var f = Assert.Single(Findings(EmptyRun(), low, "label-noise"));
        Assert.Equal(Severity.Info, f.Severity);
        Assert.True(EvidenceOf<LabelNoiseEvidence>(f).EstimatedNoiseFraction < 0.05);

        // Raising the warning threshold turns a warning into info.
        var (noisy, _) = Generate(800, 4, 0.1, 4.0, seed: 9);
        Assert.Equal(Severity.Info, Assert.Single(Findings(EmptyRun(), noisy, "label-noise", "label-noise.warn_noise_rate=0.5")).Severity);
    }

    [Fact]
    public void Is_info_when_the_predictions_come_from_a_model_trained_well_past_its_best_validation_loss()
    {
        // The same noisy predictions: a warning from a run whose validation loss levelled off, information from one whose
        // validation loss ended 40% above its minimum with the final weights kept (a memorising, overconfident model).
        var (ctx, _) = Generate(800, 4, 0.1, 4.0, seed: 9);
        double[] levelled = [1.2, 0.8, 0.6, 0.55, 0.54, 0.54, 0.55, 0.54];
        double[] rising = [1.2, 0.8, 0.6, 0.5, 0.55, 0.6, 0.65, 0.7];
        Run WithValLoss(double[] val) => new RunBuilder().Series("train/loss", 50, RunBuilder.Falling(20, 1.6, 0.1, 0.02))
            .Series("val/loss", 125, val).Build();

        var warning = Assert.Single(Findings(WithValLoss(levelled), ctx, "label-noise"));
        Assert.Equal(Severity.Warning, warning.Severity);
        Assert.Equal(0.0, EvidenceOf<LabelNoiseEvidence>(warning).ValLossRise, 3);

        var info = Assert.Single(Findings(WithValLoss(rising), ctx, "label-noise"));
        Assert.Equal(Severity.Info, info.Severity);
        Assert.Equal(0.4, EvidenceOf<LabelNoiseEvidence>(info).ValLossRise, 9);
        Assert.Equal(0.15, EvidenceOf<LabelNoiseEvidence>(info).ThresholdValLossRise);
        Assert.Contains("memorising", info.Title, StringComparison.Ordinal);

        // The trainer stopped early and reloaded its best checkpoint: the predictions are the best weights', a warning.
        var reloaded = new RunBuilder().Series("train/loss", 50, RunBuilder.Falling(20, 1.6, 0.1, 0.02)).Series("val/loss", 125, rising)
            .Trainer(t => t with { BestCheckpoint = "out/checkpoint-500", BestStep = 500, ShouldTrainingStop = true, EarlyStopping = new EarlyStoppingState(3, 0.0, 4) })
            .Build();
        Assert.Equal(Severity.Warning, Assert.Single(Findings(reloaded, ctx, "label-noise")).Severity);
    }

    [Fact]
    public void No_finding_without_probabilities_or_predictions()
    {
        var (ctx, _) = Generate(500, 4, 0.2, 3.0, seed: 4, probabilities: false);
        Assert.Empty(Findings(EmptyRun(), ctx, "label-noise"));
        var d = Diagnose(EmptyRun());
        Assert.DoesNotContain(d.Findings, f => f.Rule == "label-noise");
    }

    [Fact]
    public void A_perfectly_separable_clean_set_has_no_issue()
    {
        var b = new PredictionSetBuilder("cat", "dog");
        var rng = new Random(1);
        for (var i = 0; i < 200; i++)
        {
            var y = i % 2;
            var p = 0.9 + (0.09 * rng.NextDouble());
            b.Add($"x{i}", y, probabilities: y == 0 ? [p, 1 - p] : [1 - p, p]);
        }

        Assert.Empty(Findings(EmptyRun(), PredictionContext.Of(b.Build()), "label-noise"));
    }
}

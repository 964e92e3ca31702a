using Runlens.Analysis.Rules.LearningDynamics;
using Runlens.Import;
using Runlens.Tests.Support;

namespace Runlens.Tests.Analysis.Rules;

/// <summary>RL0105 on a loss that fell, then levelled off far above a fitted model's loss with validation as high: a model
/// too small for its task (a narrow hidden layer), told apart from noisy labels by the accuracy it reaches.</summary>
public sealed class SettledUnderfittingTests : RuleTestBase
{
    /// <summary>Ten classes: a loss that falls from ln 10 to <paramref name="level"/> over the first third and stays there,
    /// a validation loss <paramref name="valGap"/> above it, and a validation accuracy that ends at <paramref name="accuracy"/>.</summary>
    private static Runlens.Model.Run Narrow(double level, double valGap, double accuracy, bool logAccuracy = true)
    {
        double[] train = [.. RunBuilder.Falling(38, 2.32, level, 0.01, 11), .. ConvergenceRuleTests.Flat(76, level, 0.01, 12)];
        var val = ConvergenceRuleTests.Flat(30, level * (1 + valGap), 0.003, 13);
        var builder = new RunBuilder().Series("train/loss", 5, train).Series("val/loss", 19, val).Config("learning_rate", 1e-3);
        if (logAccuracy)
        {
            var noise = RunBuilder.Noise(30, 0.004, 14);
            builder = builder.Series("val/accuracy", 19, [.. Enumerable.Range(0, 30).Select(i => Math.Min(accuracy, 0.1 + (i * 0.05)) + noise[i])]);
        }

        return builder.Build();
    }

    [Fact]
    public void A_loss_that_levels_off_high_with_validation_as_high_and_a_low_accuracy_is_underfitting()
    {
        var run = Narrow(1.2, 0.03, 0.5);
        var f = Assert.Single(Findings(run, "underfitting"));
        var e = EvidenceOf<UnderfittingEvidence>(f);
        Assert.True(e.Settled);
        Assert.False(e.AtChance);
        Assert.True(e.RelativeDrop > e.Threshold);
        Assert.True(Math.Abs(e.RelativeLateFall) < e.ThresholdSettledFall);
        Assert.Equal(0.4, e.ThresholdSettledLevel);
        Assert.NotNull(e.SettledReference);
        Assert.Contains("levelled off", f.Title, StringComparison.Ordinal);
        Assert.Equal("underfitting", Diagnose(run).RootCauses[0].Id);
    }

    [Fact]
    public void The_accuracy_bound_lies_between_narrow_models_and_noisy_labels()
    {
        // A 2-unit hidden layer on digits that got two examples in three right is still a model too small for its task.
        var e = EvidenceOf<UnderfittingEvidence>(Assert.Single(Findings(Narrow(1.07, 0.04, 0.66), "underfitting")));
        Assert.True(e.Settled);
    }

    [Fact]
    public void A_settled_loss_with_a_high_accuracy_a_gap_or_a_low_level_is_not_underfitting()
    {
        // Noisy labels: the loss levels off as high, but the model is right on most examples.
        Assert.Empty(Findings(Narrow(1.2, 0.03, 0.72), "underfitting"));
        Assert.Empty(Findings(Narrow(1.2, 0.03, 0.69), "underfitting"));

        // Train and validation apart: not the underfitting picture.
        Assert.Empty(Findings(Narrow(1.2, 0.3, 0.5), "underfitting"));

        // Levelled off low: a model that fits its data.
        Assert.Empty(Findings(Narrow(0.3, 0.03, 0.5), "underfitting"));

        // Neither the number of classes nor an accuracy: a language model's loss also levels off well above zero.
        Assert.Empty(Findings(Narrow(1.2, 0.03, 0.5, logAccuracy: false), "underfitting"));
    }

    [Theory]
    [InlineData("underfitting-capacity--narrow-mlp-digits--s0", "log/runlens.jsonl", true)]
    [InlineData("label-noise--symmetric--s0", "log/metrics.jsonl", false)]
    public async Task A_capacity_limited_benchmark_run_underfits_and_a_noisy_label_run_does_not(string name, string log, bool underfits)
    {
        // A 2-unit hidden layer on digits levels off near 1.7 beside validation; 25% random labels level the loss off near
        // 1.15, but the model is right on about 70% of the examples.
        var result = await ImporterCatalog.ImportAsync(Path.Combine(Fixtures.RepoRoot, "bench", "diagnosis", "runs", name, log));
        var findings = Findings(Assert.Single(result.Runs), "underfitting");
        if (underfits)
        {
            Assert.True(EvidenceOf<UnderfittingEvidence>(Assert.Single(findings)).Settled);
        }
        else
        {
            Assert.Empty(findings);
        }
    }
}

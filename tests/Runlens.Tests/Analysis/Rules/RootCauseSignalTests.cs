using Runlens.Analysis.Findings;
using Runlens.Analysis.Rules.LearningDynamics;
using Runlens.Analysis.Rules.Optimisation;
using Runlens.Analysis.Rules.RunAccounting;
using Runlens.Tests.Support;

namespace Runlens.Tests.Analysis.Rules;

/// <summary>The signals that tell a cause apart behind its symptom: a loss at chance level (RL0105), changed training data
/// (RL0403), a slow descent seen in the validation loss (RL0202), an evaluation set read from few accuracies (RL0408).</summary>
public sealed class RootCauseSignalTests : RuleTestBase
{
    private static double[] Around(int n, double level, double sd, int seed) => ConvergenceRuleTests.Flat(n, level, sd, seed);

    /// <summary>A loss that falls, jumps at step 290 at a steady learning rate and falls again to <paramref name="trainEnd"/>,
    /// with a validation loss at its best just before the jump and <paramref name="valAfter"/> after it.</summary>
    private static Runlens.Model.Run JumpAt290(double trainEnd, params double[] valAfter) => new RunBuilder()
        .Series("train/loss", 5, [.. RunBuilder.Falling(58, 2.3, 0.25, 0.02, 9), .. RunBuilder.Falling(56, 2.5, trainEnd, 0.02, 10)])
        .Series("train/learning_rate", 5, [.. Enumerable.Repeat(1e-3, 114)])
        .Series("val/loss", 19, [2.1, 1.2, 0.8, 0.55, 0.42, 0.36, 0.31, 0.29, 0.27, 0.26, 0.255, 0.25, 0.248, 0.246, 0.245, .. valAfter]).Build();

    [Fact]
    public void A_loss_that_never_leaves_ln_K_is_a_model_that_learned_nothing_not_a_model_too_small()
    {
        // Ten classes (ln 10 = 2.303): the loss and the validation loss sit there, the accuracy at 1/10.
        var run = new RunBuilder().Series("train/loss", 5, Around(114, 2.31, 0.01, 3))
            .Series("val/loss", 19, Around(30, 2.305, 0.003, 4))
            .Series("val/accuracy", 19, Around(30, 0.098, 0.006, 5))
            .Config("learning_rate", 0.05).Build();
        var f = Assert.Single(Findings(run, "underfitting"));
        var e = EvidenceOf<UnderfittingEvidence>(f);
        Assert.True(e.AtChance);
        Assert.Equal(10, e.Classes);
        Assert.Equal("loss-and-accuracy", e.ClassesSource);
        Assert.Contains("chance level", f.Title, StringComparison.Ordinal);
        Assert.Equal("has-not-learned-the-task", Diagnose(run).RootCauses[0].Id);
    }

    [Fact]
    public void A_deep_sigmoid_stack_in_the_config_names_vanishing_gradients_as_the_cause()
    {
        var run = new RunBuilder().Series("train/loss", 5, Around(100, 1.10, 0.005, 6))
            .Series("val/loss", 20, Around(25, 1.099, 0.002, 7))
            .Config("model.num_labels", 3).Config("model.hidden_act", "sigmoid").Config("model.num_hidden_layers", 20).Build();
        var e = EvidenceOf<UnderfittingEvidence>(Assert.Single(Findings(run, "underfitting")));
        Assert.True(e.AtChance);
        Assert.Equal("config", e.ClassesSource);
        Assert.Equal("vanishing-gradients", Diagnose(run).RootCauses[0].Id);
    }

    [Fact]
    public void A_slow_descent_from_chance_level_is_not_a_loss_stuck_at_chance()
    {
        // Three classes: the loss starts at ln 3 and keeps falling slowly; that is a learning rate holding it back.
        var run = new RunBuilder().Series("train/loss", 5, RunBuilder.Falling(91, 1.12, 1.05, 0.01, 8))
            .Series("val/loss", 38, 1.128, 1.12, 1.113, 1.106, 1.10, 1.093, 1.087, 1.081, 1.075, 1.069, 1.063, 1.058)
            .Config("model.num_labels", 3).Config("learning_rate", 3e-5).Build();
        Assert.All(Findings(run, "underfitting"), f => Assert.False(EvidenceOf<UnderfittingEvidence>(f).AtChance));
        var low = EvidenceOf<LearningRateTooLowEvidence>(Assert.Single(Findings(run, "lr-too-low")));
        Assert.Equal(1.0, low.ValSteadiness!.Value, 6);
    }

    [Fact]
    public void A_loss_jump_at_a_steady_rate_with_validation_rising_after_it_is_changed_training_data()
    {
        // A corrupted shard from step 290: training learns it again while validation gets worse at every evaluation.
        var run = JumpAt290(1.2, 0.62, 0.8, 1.0, 1.1, 1.2, 1.25, 1.33, 1.4, 1.46, 1.52, 1.6, 1.7, 1.75, 1.84, 1.91);
        var f = Assert.Single(Findings(run, "change-point"));
        Assert.Equal(Severity.Warning, f.Severity);
        Assert.True(EvidenceOf<ChangePointEvidence>(f).DataShift);
        Assert.Equal("data-shift", Diagnose(run).RootCauses[0].Id);
    }

    [Fact]
    public void A_loss_jump_after_which_validation_recovers_is_not_changed_training_data()
    {
        var run = JumpAt290(0.2, 0.9, 0.7, 0.5, 0.4, 0.35, 0.3, 0.28, 0.26, 0.25, 0.24, 0.235, 0.23, 0.228, 0.226, 0.225);
        Assert.All(Findings(run, "change-point"), f => Assert.False(f.Evidence is ChangePointEvidence { DataShift: true }));
    }

    [Fact]
    public void Three_distinct_accuracies_on_twelfths_give_the_evaluation_set_size()
    {
        var run = new RunBuilder().Series("val/accuracy", 19, [0.5833, 0.9167, 0.9167, 0.9167, .. Enumerable.Repeat(1.0, 26)]).Build();
        var e = EvidenceOf<EvalTooSmallEvidence>(Assert.Single(Findings(run, "eval-too-small")));
        Assert.Equal(12, e.Examples);
        Assert.Equal(3, e.ThresholdDistinct);
    }

    [Fact]
    public void Three_distinct_accuracies_of_a_large_set_do_not_look_like_a_small_one()
    {
        // 0.5, 0.75 and 1.0 share the denominator 4 in any set; 0.9183 = 551/600 shares none below 24 with 0.9217.
        Assert.Empty(Findings(new RunBuilder().Series("val/accuracy", 19, 0.5, 0.75, 0.75, 1.0, 1.0).Build(), "eval-too-small"));
        Assert.Empty(Findings(new RunBuilder().Series("val/accuracy", 19, 0.9183, 0.9217, 0.9217, 1.0).Build(), "eval-too-small"));
    }
}

using Runlens.Analysis.Findings;
using Runlens.Analysis.Rules.RunAccounting;
using Runlens.Model;
using Runlens.Tests.Support;

namespace Runlens.Tests.Analysis.Rules;

/// <summary>RL0408 eval-too-small: from the recorded evaluation-set size, or from the steps the accuracy moves in.</summary>
public sealed class EvalTooSmallRuleTests : RuleTestBase
{
    private static RunBuilder Base() => new RunBuilder().Series("train/loss", 50, RunBuilder.Falling(40, 1.6, 0.3, 0.05))
        .Series("val/loss", 500, 1.4, 1.0, 0.7, 0.6);

    [Fact]
    public void Accuracies_that_are_whole_examples_out_of_twelve_give_a_twelve_example_set()
    {
        // 7, 9, 10, 11 and 12 out of 12, as float32 logs them.
        var run = Base().Series("val/accuracy", 500, 0.5833333134651184, 0.75, 0.8333333134651184, 0.9166666865348816, 1.0).Build();
        var f = Assert.Single(Findings(run, "eval-too-small"));
        Assert.Equal(Severity.Warning, f.Severity);
        var e = EvidenceOf<EvalTooSmallEvidence>(f);
        Assert.Equal(12L, e.Examples);
        Assert.Equal("accuracy-steps", e.EvidenceSource);
        Assert.Equal(5, e.DistinctValues);
        Assert.Equal(Math.Sqrt(1.0 / 12 / 12), e.StandardError, 12); // at accuracy 1 the floor 1/n stands in for p(1 - p)
        Assert.Contains("only 12 examples", f.Title, StringComparison.Ordinal);
    }

    [Fact]
    public void Accuracies_of_a_large_set_or_too_few_distinct_values_say_nothing()
    {
        // 551, 560, 571 and 575 out of 600: no common denominator under 100.
        Assert.Empty(Findings(Base().Series("val/accuracy", 500, 551 / 600.0, 560 / 600.0, 571 / 600.0, 575 / 600.0).Build(), "eval-too-small"));

        // Three distinct values fit many small denominators by chance: not enough to read a size from.
        Assert.Empty(Findings(Base().Series("val/accuracy", 500, 0.5, 0.75, 0.75, 1.0).Build(), "eval-too-small"));
    }

    [Fact]
    public void A_recorded_evaluation_set_size_is_used_as_it_is()
    {
        var small = Base().Series("val/accuracy", 500, 0.61, 0.7, 0.73, 0.74).Build() with { Dataset = new DatasetStats(EvalExamples: 40) };
        var e = EvidenceOf<EvalTooSmallEvidence>(Assert.Single(Findings(small, "eval-too-small")));
        Assert.Equal(("dataset", 40L), (e.EvidenceSource, e.Examples));
        Assert.Equal(Math.Sqrt(0.74 * 0.26 / 40), e.StandardError, 12);

        var enough = Base().Build() with { Dataset = new DatasetStats(EvalExamples: 600) };
        Assert.Empty(Findings(enough, "eval-too-small"));
    }

    [Fact]
    public void Two_accuracies_one_example_apart_over_many_evaluations_give_the_set_size()
    {
        // A run at its plateau from the first evaluation: 11/12 once, then 12/12 for 29 evaluations (as float32 logs them).
        var plateau = Base().Series("val/accuracy", 10, [0.9166666865348816, .. Enumerable.Repeat(1.0, 29)]).Build();
        var e = EvidenceOf<EvalTooSmallEvidence>(Assert.Single(Findings(plateau, "eval-too-small")));
        Assert.Equal((12L, 2, 2.0), (e.Examples, e.DistinctValues, e.ThresholdDistinct));

        // The same two values over only four evaluations, or two values three examples apart out of five: not enough.
        Assert.Empty(Findings(Base().Series("val/accuracy", 500, 0.9166666865348816, 1.0, 1.0, 1.0).Build(), "eval-too-small"));
        Assert.Empty(Findings(Base().Series("val/accuracy", 100, [.. Enumerable.Repeat(0.4, 5), .. Enumerable.Repeat(1.0, 5)]).Build(), "eval-too-small"));
    }

    [Fact]
    public void Classes_absent_from_the_evaluation_set_show_a_set_too_small_when_its_size_is_unknown()
    {
        // 1/12 once, then every example right for 19 evaluations with macro-F1 0.7 over 10 classes: the two accuracies are
        // eleven examples apart, so their steps give no size, but 3 of the 10 classes have no example in the set.
        var run = Base().Series("val/accuracy", 10, [0.0833333358168602, .. Enumerable.Repeat(1.0, 19)])
            .Series("val/macro_f1", 10, [0.1, .. Enumerable.Repeat(0.7, 19)])
            .Config("num_labels", 10)
            .Build();
        var f = Assert.Single(Findings(run, "eval-too-small"));
        Assert.Equal(Severity.Warning, f.Severity);
        var e = EvidenceOf<EvalTooSmallEvidence>(f);
        Assert.Equal(("absent-classes", (long?)null, 200L, 10, 3), (e.EvidenceSource, e.Examples, e.AbsentClassesStep!.Value, e.Classes!.Value, e.AbsentClasses!.Value));
        Assert.Equal(0.3, e.AbsentClassFraction, 9);
        Assert.Contains("3 of its 10 classes have no example", f.Title, StringComparison.Ordinal);
        Assert.True(EvalSetSize.IsTooSmall(run));

        // Without K in the config the share is reported; without macro-F1, or with macro-F1 1 at accuracy 1, nothing shows.
        var noK = Base().Series("val/accuracy", 10, [0.0833333358168602, .. Enumerable.Repeat(1.0, 19)])
            .Series("val/macro_f1", 10, [0.1, .. Enumerable.Repeat(0.7, 19)]).Build();
        var k = EvidenceOf<EvalTooSmallEvidence>(Assert.Single(Findings(noK, "eval-too-small")));
        Assert.Equal(((int?)null, (int?)null), (k.Classes, k.AbsentClasses));
        Assert.Empty(Findings(Base().Series("val/accuracy", 10, [0.0833333358168602, .. Enumerable.Repeat(1.0, 19)]).Build(), "eval-too-small"));
        var complete = Base().Series("val/accuracy", 10, [0.5, .. Enumerable.Repeat(1.0, 19)]).Series("val/macro_f1", 10, [0.4, .. Enumerable.Repeat(0.995, 19)]).Build();
        Assert.Empty(Findings(complete, "eval-too-small"));
        Assert.False(EvalSetSize.IsTooSmall(complete));

        // A macro-F1 that is no share of the configured 10 classes (0.75) was averaged some other way: not read.
        var other = Base().Series("val/accuracy", 10, [0.5, .. Enumerable.Repeat(1.0, 19)]).Series("val/macro_f1", 10, [0.4, .. Enumerable.Repeat(0.75, 19)])
            .Config("num_labels", 10).Build();
        Assert.Empty(Findings(other, "eval-too-small"));

        // A recorded size of 100 or more ends the matter: a large set lacking a rare class is a question of stratification.
        Assert.Empty(Findings(run with { Dataset = new DatasetStats(EvalExamples: 400) }, "eval-too-small"));
        Assert.False(EvalSetSize.IsTooSmall(run with { Dataset = new DatasetStats(EvalExamples: 400) }));
    }
}


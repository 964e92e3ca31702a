using Runlens.Analysis.Findings;
using Runlens.Analysis.Rules.DataAndLabels;
using Runlens.Tests.Support;

namespace Runlens.Tests.Analysis.Rules;

/// <summary>RL0301 class-imbalance and RL0304 weak-classes from logged evaluation metrics.</summary>
public sealed class DataAndLabelRuleTests : RuleTestBase
{
    private static RunBuilder Base() => new RunBuilder().Series("train/loss", 50, RunBuilder.Falling(40, 1.6, 0.8, 0.05))
        .Series("val/loss", 500, 1.4, 1.2, 1.1, 1.05);

    [Fact]
    public void Class_imbalance_fires_when_accuracy_is_far_above_macro_f1()
    {
        var run = Base().Series("val/accuracy", 500, 0.86, 0.87, 0.87, 0.88).Series("val/macro_f1", 500, 0.31, 0.35, 0.38, 0.40).Build();
        var f = Assert.Single(Findings(run, "class-imbalance"));
        Assert.Equal(500L, EvidenceOf<ClassImbalanceEvidence>(f).Step);
        Assert.Equal(0.55, EvidenceOf<ClassImbalanceEvidence>(f).Gap, 12);
        Assert.Equal("logged-metrics", EvidenceOf<ClassImbalanceEvidence>(f).EvidenceSource);
    }

    [Fact]
    public void Class_imbalance_stays_quiet_when_macro_f1_tracks_accuracy_or_is_missing()
    {
        Assert.Empty(Findings(Base().Series("val/accuracy", 500, 0.80, 0.84, 0.86, 0.88).Series("val/macro_f1", 500, 0.76, 0.80, 0.83, 0.85).Build(), "class-imbalance"));
        Assert.Empty(Findings(Base().Series("val/accuracy", 500, 0.80, 0.84, 0.86, 0.88).Build(), "class-imbalance"));
    }

    [Fact]
    public void Class_imbalance_leaves_out_a_model_predicting_one_of_even_classes_and_a_perfect_accuracy()
    {
        // One class of three even ones predicted (accuracy 1/3, macro-F1 (2/3 / (4/3)) / 3 = 1/6, as a diverged RNN of the
        // benchmark logs), and one of two even ones (0.5 and 1/3): a collapse, not rare classes being ignored.
        Assert.Empty(Findings(Base().Series("val/accuracy", 500, 0.33, 0.3275, 0.335, 0.33).Series("val/macro_f1", 500, 0.1654, 0.1645, 0.1673, 0.1654).Build(), "class-imbalance"));
        Assert.Empty(Findings(Base().Series("val/accuracy", 500, 0.55, 0.5, 0.52, 0.5).Series("val/macro_f1", 500, 0.52, 0.3333, 0.49, 0.3333).Build(), "class-imbalance"));

        // Every example right on a 12-example evaluation set holding 6 of 10 classes: macro-F1 0.6 counts the missing ones.
        Assert.Empty(Findings(Base().Series("val/accuracy", 500, 0.8333, 0.9167, 1.0, 1.0).Series("val/macro_f1", 500, 0.76, 0.82, 0.6, 0.6).Build(), "class-imbalance"));

        // The same one-class collapse on a majority of 82%: that is the imbalance, and it is reported.
        var f = Assert.Single(Findings(Base().Series("val/accuracy", 500, 0.82, 0.82, 0.82, 0.82).Series("val/macro_f1", 500, 0.3004, 0.3004, 0.3004, 0.3004).Build(), "class-imbalance"));
        Assert.Equal(0.82 - 0.3004, EvidenceOf<ClassImbalanceEvidence>(f).Gap, 9);
    }

    [Fact]
    public void Class_imbalance_is_judged_on_the_model_the_run_ended_with()
    {
        // A model that predicted the majority first and then learned the rare classes: the gap closed by the end.
        Assert.Empty(Findings(Base().Series("val/accuracy", 500, 0.82, 0.84, 0.88, 0.90).Series("val/macro_f1", 500, 0.30, 0.55, 0.84, 0.87).Build(), "class-imbalance"));

        // A run that diverged: one evaluation on the way down scored 0.60 with macro-F1 0.44 (a gap of 0.16), then every
        // evaluation predicted one of three even classes (1/3 and 1/6, left out as a collapse): no rare class is missed at
        // its end.
        var diverged = Base().Series("val/accuracy", 500, 0.78, 0.80, 0.60, 0.335, 0.335, 0.335).Series("val/macro_f1", 500, 0.78, 0.80, 0.44, 0.167, 0.167, 0.167).Build();
        Assert.Empty(Findings(diverged, "class-imbalance"));

        // The gap kept to the end is reported at its widest evaluation.
        var kept = Assert.Single(Findings(Base().Series("val/accuracy", 500, 0.82, 0.84, 0.86, 0.87).Series("val/macro_f1", 500, 0.30, 0.40, 0.50, 0.52).Build(), "class-imbalance"));
        Assert.Equal((500L, 2000L), (EvidenceOf<ClassImbalanceEvidence>(kept).Step, EvidenceOf<ClassImbalanceEvidence>(kept).FinalStep));
    }

    [Fact]
    public void Class_imbalance_on_an_evaluation_set_lacking_classes_is_information_only()
    {
        // 12 examples of digits: 11/12 right with macro-F1 0.65 at the end, but at two evaluations every example was right
        // with macro-F1 0.7: 3 of the 10 classes have no example, and macro-F1 counts them as 0. Only 11/12, 1 and 1/2 are
        // logged, too few distinct accuracies to read the size from.
        var run = Base().Series("val/accuracy", 500, 0.5, 0.9166666865348816, 1.0, 0.9166666865348816, 1.0, 0.9166666865348816)
            .Series("val/macro_f1", 500, 0.34, 0.65, 0.7, 0.65, 0.7, 0.65).Build();
        var f = Assert.Single(Findings(run, "class-imbalance"));
        Assert.Equal(Severity.Info, f.Severity);
        Assert.Contains("lacks some classes", f.Title, StringComparison.Ordinal);
    }

    [Fact]
    public void Weak_classes_lists_the_classes_far_below_the_mean_with_their_support()
    {
        var run = Base()
            .Series("val/PER_f1", 500, 0.7, 0.8, 0.85, 0.9).Series("val/ORG_f1", 500, 0.6, 0.7, 0.75, 0.8)
            .Series("val/LOC_f1", 500, 0.5, 0.7, 0.8, 0.85).Series("val/MISC_f1", 500, 0, 0, 0.1, 0.1)
            .Series("val/MISC_number", 500, 4, 4, 4, 4).Series("val/overall_f1", 500, 0.6, 0.7, 0.75, 0.8)
            .Build();
        var f = Assert.Single(Findings(run, "weak-classes"));
        Assert.Equal(4, EvidenceOf<WeakClassesLoggedEvidence>(f).Classes);
        Assert.Equal(1, EvidenceOf<WeakClassesLoggedEvidence>(f).WeakClasses);
        Assert.Equal(new LoggedWeakClass("MISC", "val/MISC_f1", 0.1, 4), Assert.Single(EvidenceOf<WeakClassesLoggedEvidence>(f).Weakest));
    }

    [Fact]
    public void Weak_classes_stays_quiet_when_classes_are_even_or_too_few()
    {
        var even = Base().Series("val/PER_f1", 500, 0.8, 0.9).Series("val/ORG_f1", 500, 0.7, 0.8).Series("val/LOC_f1", 500, 0.75, 0.85).Build();
        Assert.Empty(Findings(even, "weak-classes"));
        var two = Base().Series("val/PER_f1", 500, 0.8, 0.9).Series("val/ORG_f1", 500, 0.0, 0.1).Build();
        Assert.Empty(Findings(two, "weak-classes"));
    }
}

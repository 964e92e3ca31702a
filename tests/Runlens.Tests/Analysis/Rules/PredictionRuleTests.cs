using System.Collections.Immutable;
using Runlens.Analysis.Diagnoses;
using Runlens.Analysis.Evaluation;
using Runlens.Analysis.Findings;
using Runlens.Analysis.Rules;
using Runlens.Analysis.Rules.DataAndLabels;
using Runlens.Analysis.Rules.Telemetry;
using Runlens.Model;
using Runlens.Model.Predictions;
using Runlens.Tests.Support;

namespace Runlens.Tests.Analysis.Rules;

/// <summary>RL0301/RL0304 from predictions, RL0302 prediction-collapse, RL0305 confusion-pairs, RL0308 overconfidence.</summary>
public sealed class PredictionRuleTests
{
    private static PredictionSet Set(string[] classes, int[] truth, int[] predicted, double[]? probabilities = null) => new()
    {
        Source = "predictions.csv",
        Classes = [.. classes],
        ExampleIds = [.. Enumerable.Range(1, truth.Length).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))],
        Lines = [.. Enumerable.Range(2, truth.Length)],
        TrueIndices = [.. truth],
        PredictedIndices = [.. predicted],
        Probabilities = probabilities is null ? null : ImmutableArray.Create(probabilities),
    };

    private static IReadOnlyList<Finding> Findings(PredictionSet set, string rule)
    {
        var run = new RunBuilder().Series("train/loss", 10, RunBuilder.Falling(30, 1.5, 0.6)).Build();
        var predictions = PredictionContext.Of(set);
        var d = new Diagnoser(RuleSettings.Default).Diagnose(run, predictions);
        Assert.Empty(d.Coverage.RuleErrors);
        EvidenceAudit.Check(d.Findings, run, predictions);
        return [.. d.Findings.Where(f => f.Rule == rule)];
    }

    /// <summary>n examples whose labels follow <paramref name="labelShares"/> and whose predictions are right with
    /// probability <paramref name="accuracy"/>, otherwise a random other class (or the given class).</summary>
    private static (int[] Truth, int[] Predicted) Draw(int n, double[] labelShares, double accuracy, int seed, int? wrongAs = null)
    {
        var rng = new Random(seed);
        var truth = new int[n];
        var predicted = new int[n];
        for (var i = 0; i < n; i++)
        {
            var u = rng.NextDouble();
            var c = 0;
            while (c < labelShares.Length - 1 && u > labelShares[..(c + 1)].Sum())
            {
                c++;
            }

            truth[i] = c;
            predicted[i] = rng.NextDouble() < accuracy ? c : wrongAs ?? (c + 1 + rng.Next(labelShares.Length - 1)) % labelShares.Length;
        }

        return (truth, predicted);
    }

    [Fact]
    public void Collapse_onto_one_class_fires_and_balanced_predictions_do_not()
    {
        // Labels 50/30/20; the model predicts class a for 95% of examples.
        var (truth, _) = Draw(400, [0.5, 0.3, 0.2], 1, 1);
        var rng = new Random(2);
        var collapsed = truth.Select(_ => rng.NextDouble() < 0.95 ? 0 : 1).ToArray();
        var f = Assert.Single(Findings(Set(["a", "b", "c"], truth, collapsed), "prediction-collapse"));
        Assert.Equal("a", RuleTestBase.EvidenceOf<PredictionCollapseEvidence>(f).TopPredictedClass);

        var (t2, p2) = Draw(400, [0.5, 0.3, 0.2], 0.85, 3);
        Assert.Empty(Findings(Set(["a", "b", "c"], t2, p2), "prediction-collapse"));
    }

    [Fact]
    public void A_predicted_distribution_that_inverts_the_labels_is_an_error()
    {
        // Seed 002: 78% of targets are "(" but the model predicts "x" (22% of targets) most of the time.
        var rng = new Random(4);
        var truth = Enumerable.Range(0, 500).Select(_ => rng.NextDouble() < 0.78 ? 0 : 1).ToArray();
        var predicted = truth.Select(_ => rng.NextDouble() < 0.6 ? 1 : 0).ToArray();
        var f = Assert.Single(Findings(Set(["(", "x"], truth, predicted), "prediction-collapse"));
        Assert.True(RuleTestBase.EvidenceOf<PredictionCollapseEvidence>(f).Inverted);
        Assert.Equal(Severity.Error, f.Severity);
    }

    [Fact]
    public void Confusion_pairs_name_the_pair_and_its_rate()
    {
        // Class c is predicted as b 40% of the time; the rest is near-perfect.
        var rng = new Random(5);
        var truth = Enumerable.Range(0, 300).Select(i => i % 3).ToArray();
        var predicted = truth.Select(t => t == 2 && rng.NextDouble() < 0.4 ? 1 : t).ToArray();
        var f = Assert.Single(Findings(Set(["a", "b", "c"], truth, predicted), "confusion-pairs"));
        Assert.Equal("c", RuleTestBase.EvidenceOf<ConfusionPairsEvidence>(f).WorstTrue);
        Assert.Equal("b", RuleTestBase.EvidenceOf<ConfusionPairsEvidence>(f).WorstPredicted);
        Assert.InRange(RuleTestBase.EvidenceOf<ConfusionPairsEvidence>(f).WorstRate, 0.3, 0.5);

        Assert.Empty(Findings(Set(["a", "b", "c"], truth, truth), "confusion-pairs"));
    }

    [Fact]
    public void Overconfidence_fires_when_confidence_far_exceeds_accuracy()
    {
        // 70% accuracy, every prediction made with 0.99 confidence.
        var (truth, predicted) = Draw(500, [0.5, 0.5], 0.7, 6);
        var probs = predicted.SelectMany(p => p == 0 ? new[] { 0.99, 0.01 } : [0.01, 0.99]).ToArray();
        var f = Assert.Single(Findings(Set(["a", "b"], truth, predicted, probs), "overconfidence"));
        Assert.True(RuleTestBase.EvidenceOf<OverconfidenceEvidence>(f).Ece > 0.2);

        // Calibrated: confidence 0.7 on every prediction, 70% right.
        var calibrated = predicted.SelectMany(p => p == 0 ? new[] { 0.7, 0.3 } : [0.3, 0.7]).ToArray();
        Assert.Empty(Findings(Set(["a", "b"], truth, predicted, calibrated), "overconfidence"));
    }

    [Fact]
    public void Class_imbalance_from_predictions_compares_with_the_majority_baseline()
    {
        // 87% majority class; the model gets 90% of it and 20% of the rare classes right: about 81% accuracy.
        var (truth, _) = Draw(400, [0.87, 0.05, 0.04, 0.04], 1, 7);
        var rng = new Random(9);
        var predicted = truth.Select(t => t == 0 ? (rng.NextDouble() < 0.9 ? 0 : 1) : (rng.NextDouble() < 0.2 ? t : 0)).ToArray();
        var f = Assert.Single(Findings(Set(["stable", "rise", "fall", "crash"], truth, predicted), "class-imbalance"));
        Assert.Equal("validation-predictions", RuleTestBase.EvidenceOf<ClassImbalancePredictionsEvidence>(f).EvidenceSource);
        Assert.True(RuleTestBase.EvidenceOf<ClassImbalancePredictionsEvidence>(f).BelowMajorityBaseline);
        Assert.Equal(Severity.Error, f.Severity);
    }

    [Fact]
    public void Class_imbalance_from_a_small_set_of_even_labels_is_information_only()
    {
        // 12 examples of a 10-class task, two of each of six classes, all right: accuracy 1, but macro-F1 counts the four
        // classes the small set lacks. Labels that even could be drawn from even classes (chi-square p 0.53), so the gap is
        // the set's size, not rare classes being missed (eval-too-small reports the size).
        string[] classes = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];
        int[] truth = [0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5];
        var f = Assert.Single(Findings(Set(classes, truth, truth), "class-imbalance"));
        Assert.Equal(Severity.Info, f.Severity);
        Assert.Contains("only 12 predictions", f.Title, StringComparison.Ordinal);
        Assert.True(RuleTestBase.EvidenceOf<ClassImbalancePredictionsEvidence>(f).Gap > 0.15);
    }

    [Fact]
    public void Class_imbalance_from_a_small_set_whose_skew_is_clear_stays_a_warning()
    {
        // 95 examples, 86 of one class (as in a real fold of window-detection predictions): under 100 rows, but even
        // classes are rejected far below the 1% level, so the imbalance is real and the rule still warns.
        var truth = Enumerable.Range(0, 95).Select(i => i < 86 ? 0 : 1).ToArray();
        var predicted = truth.Select((t, i) => t == 1 && i % 3 != 0 ? 0 : t).ToArray();
        var f = Assert.Single(Findings(Set(["0", "1"], truth, predicted), "class-imbalance"));
        Assert.Equal(Severity.Warning, f.Severity);
        Assert.DoesNotContain("only 95 predictions", f.Title, StringComparison.Ordinal);
    }

    [Theory]
    // scipy.stats.chisquare(supports).pvalue, scipy 1.10 (Debian bookworm)
    [InlineData(new long[] { 86, 9 }, 2.7882890261192907e-15)]
    [InlineData(new long[] { 3, 2, 0, 1, 4, 2, 1, 3, 2, 2 }, 0.7399182920946538)]
    [InlineData(new long[] { 60, 30, 10 }, 5.602796437537276e-09)]
    [InlineData(new long[] { 5, 5, 5, 5, 5, 0, 0, 0, 0, 0 }, 0.002971180485917624)]
    public void The_even_labels_test_is_scipys_chisquare(long[] supports, double expected) =>
        Assert.Equal(expected, ClassImbalanceRule.EvenLabelsP(supports), expected * 1e-9);

    [Fact]
    public void Weak_classes_from_predictions_list_precision_recall_and_support()
    {
        var rng = new Random(8);
        var truth = Enumerable.Range(0, 400).Select(i => i % 4).ToArray();
        var predicted = truth.Select(t => t == 3 ? (rng.NextDouble() < 0.1 ? 3 : 0) : t).ToArray();
        var f = Assert.Single(Findings(Set(["a", "b", "c", "d"], truth, predicted), "weak-classes"));
        Assert.Equal(1, RuleTestBase.EvidenceOf<WeakClassesEvidence>(f).WeakClasses);
        Assert.Equal("d", RuleTestBase.EvidenceOf<WeakClassesEvidence>(f).Weakest[0].Class);
    }

    [Fact]
    public void Without_predictions_the_prediction_rules_are_blocked_under_coverage_only()
    {
        // Predictions are not training telemetry: coverage says what they would unblock; no missing-telemetry finding.
        var run = new RunBuilder().Series("train/loss", 10, RunBuilder.Falling(30, 1.5, 0.6)).Build();
        var d = new Diagnoser().Diagnose(run);
        var missing = Assert.Single(d.Coverage.Missing, m => m.Signal == "predictions");
        Assert.Contains("confusion-pairs", missing.Blocks);
        Assert.Contains("--predictions", missing.HowToLog, StringComparison.Ordinal);
        Assert.DoesNotContain(d.Findings, f => f.Rule == "missing-telemetry" && f.Evidence is MissingTelemetryEvidence { Signal: "predictions" });
    }
}

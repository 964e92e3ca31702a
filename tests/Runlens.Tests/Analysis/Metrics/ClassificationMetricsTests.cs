using Runlens.Analysis.Metrics;

namespace Runlens.Tests.Analysis.Metrics;

/// <summary>Small cases checked by hand, and the input rules (class list, validation).</summary>
public sealed class ClassificationMetricsTests
{
    [Fact]
    public void Two_classes_by_hand()
    {
        // y = a a b b, predicted a b b b: a has P 1, R 1/2, F1 2/3; b has P 2/3, R 1, F1 4/5
        var r = ClassificationMetrics.Compute(ClassificationInput.FromLabels(["a", "a", "b", "b"], ["a", "b", "b", "b"]));
        Assert.Equal(["a", "b"], r.Classes);
        Assert.Equal("b", r.PositiveClass);
        Assert.Equal(0.75, r.Accuracy, 12);
        Assert.Equal(0.75, r.BalancedAccuracy, 12);
        Assert.Equal(1.0, r.PerClass[0].Precision, 12);
        Assert.Equal(0.5, r.PerClass[0].Recall, 12);
        Assert.Equal(2.0 / 3, r.PerClass[0].F1, 12);
        Assert.Equal(1.0, r.PerClass[0].Specificity, 12);
        Assert.Equal(2.0 / 3, r.PerClass[1].Precision, 12);
        Assert.Equal(0.8, r.PerClass[1].F1, 12);
        Assert.Equal(0.5, r.PerClass[1].Specificity, 12);
        Assert.Equal(((2.0 / 3) + 0.8) / 2, r.F1.Macro, 12);
        Assert.Equal(0.75, r.F1.Micro, 12);
        Assert.Equal([[1L, 1L], [0L, 2L]], r.Confusion.Counts.Select(row => row.ToArray()).ToArray());
        Assert.Equal(0.5, r.Confusion.ByTrue[0][1], 12);
        Assert.Equal(1.0 / 3, r.Confusion.ByPredicted[0][1], 12);
        Assert.Equal(0.25, r.Confusion.ByAll[0][1], 12);
        // kappa: po = 3/4, pe = (2·1 + 2·3)/16 = 1/2 → 0.5; MCC = (3·4 − 2·1 − 2·3)/√((16 − 8)(16 − 10)) = 4/√48
        Assert.Equal(0.5, r.CohenKappa, 12);
        Assert.Equal(4 / Math.Sqrt(48), r.MatthewsCorrelation, 12);
        Assert.Empty(r.Warnings);
    }

    [Fact]
    public void Metrics_that_need_probabilities_are_null_without_them()
    {
        var r = ClassificationMetrics.Compute(ClassificationInput.FromLabels(["x", "y", "z"], ["x", "z", "z"]));
        Assert.Null(r.TopK2Accuracy);
        Assert.Null(r.RocAucBinary);
        Assert.Null(r.RocAucMacro);
        Assert.Null(r.AveragePrecisionMacro);
        Assert.Null(r.LogLoss);
        Assert.Null(r.Brier);
        Assert.Null(r.EntropyMean);
        Assert.Null(r.ExpectedCalibrationError);
        Assert.Null(r.PositiveClass);
    }

    [Fact]
    public void Binary_auc_and_average_precision_match_sklearns_documented_example()
    {
        // sklearn's docstrings: roc_auc_score([0,0,1,1], [0.1,0.4,0.35,0.8]) = 0.75, average_precision_score = 0.8333…
        double[] p1 = [0.1, 0.4, 0.35, 0.8];
        var probs = p1.SelectMany(p => new[] { 1 - p, p }).ToArray();
        var r = ClassificationMetrics.Compute(ClassificationInput.Create(["neg", "pos"], [0, 0, 1, 1], null, probs));
        Assert.Equal(0.75, r.RocAucBinary!.Value, 12);
        Assert.Equal(0.75, r.RocAucMacro!.Value, 12);
        Assert.Equal(0.8333333333333333, r.PerClass[1].AveragePrecision!.Value, 12);
        Assert.Equal(0.75, r.Accuracy, 12); // predictions are the argmax: neg, neg, neg, pos
    }

    [Fact]
    public void Tied_scores_form_one_step_half_credit_in_auc()
    {
        // one positive and one negative with the same score: AUC 1/2, AP = precision at that threshold = 1/2
        var r = ClassificationMetrics.Compute(ClassificationInput.Create(["a", "b"], [0, 1], [0, 0], [0.5, 0.5, 0.5, 0.5]));
        Assert.Equal(0.5, r.RocAucBinary!.Value, 12);
        Assert.Equal(0.5, r.PerClass[1].AveragePrecision!.Value, 12);
        Assert.Equal(Math.Log(2), r.EntropyMean!.Value, 12);
        Assert.Equal(Math.Log(2), r.LogLoss!.Value, 12);
        Assert.Equal(0.25, r.Brier!.Value, 12);
    }

    [Fact]
    public void Class_list_is_the_ordinal_union_of_labels_and_predictions()
    {
        var input = ClassificationInput.FromLabels(["beta", "Zeta"], ["beta", "alpha"]);
        Assert.Equal(["Zeta", "alpha", "beta"], input.Classes);
        var r = ClassificationMetrics.Compute(input);
        // "alpha" is never a label: recall ill-defined (0.0), balanced accuracy leaves it out; "Zeta" is never predicted
        Assert.Equal(0.0, r.PerClass[1].Recall);
        Assert.Equal(0.5, r.BalancedAccuracy, 12);
        Assert.Contains(r.Warnings, w => w.Metric == "precision" && w.Classes.SequenceEqual(["Zeta"]));
        Assert.Contains(r.Warnings, w => w.Metric == "recall" && w.Classes.SequenceEqual(["alpha"]));
        Assert.Contains(r.Warnings, w => w.Metric == "balanced_accuracy");
    }

    [Fact]
    public void A_given_class_list_keeps_its_order_and_unseen_classes_lower_the_macro_average()
    {
        var r = ClassificationMetrics.Compute(ClassificationInput.FromLabels(["b", "a"], ["b", "a"], classes: ["b", "a", "c"]));
        Assert.Equal(["b", "a", "c"], r.Classes);
        Assert.Equal(1.0, r.Accuracy);
        Assert.Equal(2.0 / 3, r.F1.Macro, 12);
        Assert.Equal(1.0, r.F1.Weighted, 12);
        Assert.Contains(r.Warnings, w => w.Metric == "f1" && w.Classes.SequenceEqual(["c"]));
    }

    [Fact]
    public void Probability_columns_are_mapped_to_the_class_list_and_predictions_default_to_the_argmax()
    {
        var input = ClassificationInput.FromLabels(["b", "a"], null, [0.3, 0.7, 0.6, 0.4], probabilityClasses: ["b", "a"]);
        Assert.Equal(["a", "b"], input.Classes);
        Assert.Equal([0.7, 0.3, 0.4, 0.6], input.Probabilities!.Value.ToArray());
        Assert.Equal([0, 1], input.PredictedClass.ToArray());
        Assert.Equal(0.0, ClassificationMetrics.Compute(input).Accuracy);
    }

    [Fact]
    public void Top_k_ties_go_to_the_higher_class_index()
    {
        // true class 0 tied with 1 and 2 at the top: numpy's reversed stable argsort ranks 2, 1, 0 → outside the top 2
        var r = ClassificationMetrics.Compute(ClassificationInput.Create(["a", "b", "c", "d"], [0, 2], null,
            [0.3, 0.3, 0.3, 0.1, 0.3, 0.3, 0.3, 0.1]));
        Assert.Equal(0.5, r.TopK2Accuracy!.Value, 12);
        Assert.Equal(1.0, r.TopK3Accuracy!.Value, 12);
    }

    [Fact]
    public void Calibration_error_uses_right_closed_bins_over_the_top_probability()
    {
        // confidences 1.0 (right), 0.6 (wrong) and 0.6 (right): bins (14/15, 1] → |1 − 1|; (8/15, 9/15] → |0.5 − 0.6|
        var r = ClassificationMetrics.Compute(ClassificationInput.Create(["a", "b"], [0, 1, 0], null, [1, 0, 0.6, 0.4, 0.6, 0.4]));
        Assert.Equal((2.0 / 3) * 0.1, r.ExpectedCalibrationError!.Value, 12);
    }

    [Fact]
    public void A_single_class_gives_what_is_defined_and_no_log_loss()
    {
        var r = ClassificationMetrics.Compute(ClassificationInput.Create(["only"], [0, 0], null, [1, 1]));
        Assert.Equal(1.0, r.Accuracy);
        Assert.Equal(1.0, r.TopK2Accuracy);
        Assert.Null(r.LogLoss);
        Assert.Null(r.RocAucMacro);
        Assert.True(double.IsNaN(r.CohenKappa));
        Assert.Equal(0.0, r.MatthewsCorrelation);
        Assert.Equal(0.0, r.PerClass[0].Specificity);
        Assert.Contains(r.Warnings, w => w.Metric == "specificity");
    }

    [Fact]
    public void Invalid_inputs_are_refused()
    {
        Assert.Throws<ArgumentException>(() => ClassificationInput.Create(["a", "b"], [0, 2], [0, 1]));
        Assert.Throws<ArgumentException>(() => ClassificationInput.Create(["a", "a"], [0], [0]));
        Assert.Throws<ArgumentException>(() => ClassificationInput.Create(["a", "b"], [0], [0], [double.NaN, 1]));
        Assert.Throws<ArgumentException>(() => ClassificationInput.Create(["a", "b"], [0], null));
        Assert.Throws<ArgumentException>(() => ClassificationMetrics.Compute(ClassificationInput.Create(["a"], [], [])));
    }
}

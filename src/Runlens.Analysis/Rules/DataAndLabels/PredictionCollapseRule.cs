using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules.DataAndLabels;

/// <summary>
/// RL0302: predictions concentrated on a few classes or a single trivial output, or a predicted distribution that inverts
/// the label distribution (seed 002: the model predicts the minority pattern more often than the majority one).
/// </summary>
public sealed class PredictionCollapseRule : IRule
{
    public RuleDescriptor Descriptor { get; } = RuleDescriptor.Create(
        "RL0302", "prediction-collapse", "Predictions collapse onto few classes or invert the label distribution", RuleCategory.DataAndLabels, Severity.Warning,
        [Signal.Predictions],
        [typeof(PredictionCollapseEvidence)],
        new RuleOption("max_share", 0.9, "Share of predictions on one class from which predictions count as collapsed (when the labels are less concentrated)"),
        new RuleOption("min_excess", 0.15, "The collapsed class's predicted share must exceed its label share by at least this much"),
        new RuleOption("min_examples", 20, "Examples needed to judge"));

    public IEnumerable<Finding> Evaluate(RuleContext context)
    {
        var p = context.Run.Predictions!;
        var m = p.Evaluation.Metrics;
        var n = m.Examples;
        var k = m.Classes.Count;
        if (n < context.Option("min_examples") || k < 2)
        {
            yield break;
        }

        var labelShare = new double[k];
        var predictedShare = new double[k];
        for (var i = 0; i < k; i++)
        {
            labelShare[i] = m.Confusion.Counts[i].Sum() / (double)n;
            predictedShare[i] = m.Confusion.Counts.Sum(row => row[i]) / (double)n;
        }

        var topPredicted = Array.IndexOf(predictedShare, predictedShare.Max());
        var topLabel = Array.IndexOf(labelShare, labelShare.Max());
        var distinctPredicted = predictedShare.Count(s => s > 0);
        var distinctLabels = labelShare.Count(s => s > 0);
        var collapsed = predictedShare[topPredicted] >= context.Option("max_share")
            && predictedShare[topPredicted] - labelShare[topPredicted] >= context.Option("min_excess");
        var single = distinctPredicted == 1 && distinctLabels > 1;
        var inverted = topPredicted != topLabel && labelShare[topPredicted] < labelShare[topLabel] / 2
            && predictedShare[topPredicted] - labelShare[topPredicted] >= context.Option("min_excess");
        if (!collapsed && !single && !inverted)
        {
            yield break;
        }

        var evidence = new PredictionCollapseEvidence(
            Examples: n,
            Classes: k,
            ClassesPredicted: distinctPredicted,
            ClassesLabelled: distinctLabels,
            TopPredictedClass: m.Classes[topPredicted],
            TopPredictedFraction: predictedShare[topPredicted],
            TopPredictedLabelFraction: labelShare[topPredicted],
            Threshold: context.Option("max_share"),
            MajorityClass: m.Classes[topLabel],
            MajorityLabelFraction: labelShare[topLabel],
            Inverted: inverted,
            Distribution: [.. Enumerable.Range(0, k).OrderByDescending(i => predictedShare[i]).Take(8)
                .Select(i => new ClassShare(m.Classes[i], predictedShare[i], labelShare[i]))]);

        var title = single
            ? $"Every prediction is '{m.Classes[topPredicted]}' although the labels hold {distinctLabels} classes: the model outputs one trivial answer"
            : inverted
                ? $"The predictions invert the label distribution: '{m.Classes[topPredicted]}' is predicted for {Format.Percent(predictedShare[topPredicted])} of examples but labels only {Format.Percent(labelShare[topPredicted])}, while the majority label '{m.Classes[topLabel]}' ({Format.Percent(labelShare[topLabel])}) is predicted for {Format.Percent(predictedShare[topLabel])}"
                : $"Predictions collapse onto '{m.Classes[topPredicted]}': {Format.Percent(predictedShare[topPredicted])} of predictions against {Format.Percent(labelShare[topPredicted])} of labels";
        yield return context.Finding(
            single || inverted ? Severity.Error : Severity.Warning,
            single ? 0.95 : 0.8,
            title,
            evidence,
            [],
            [
                Recommendation.Do("Check that the model learned the task at all: compare with the majority-class baseline, look at a sample of predictions, and check the labels reach the loss (label mapping, padding/ignore index)."),
                Recommendation.Do("If training looks healthy, the model has not learned to separate the classes: train longer or with a higher learning rate, re-balance the classes, and check the inputs carry the signal."),
            ],
            inverted
                ? "The model prefers a pattern that is rare in the data over the common one: it has not learned the task."
                : "The model has collapsed to the easiest answer instead of separating the classes.");
    }
}

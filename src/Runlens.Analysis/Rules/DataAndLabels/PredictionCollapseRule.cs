using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules.DataAndLabels;

/// <summary>
/// RL0302: predictions concentrated on a few classes or a single trivial output, a predicted distribution that inverts
/// the label distribution (seed 002: the model predicts the minority pattern more often than the majority one), or an
/// accuracy no better than a trivial guess (<see cref="PredictionsAtChance"/>): each says the model has not learned the task.
/// </summary>
public sealed class PredictionCollapseRule : IRule
{
    public RuleDescriptor Descriptor { get; } = RuleDescriptor.Create(
        "RL0302", "prediction-collapse", "Predictions collapse onto few classes, invert the label distribution or are no better than chance", RuleCategory.DataAndLabels, Severity.Warning,
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
        var chance = PredictionsAtChance.Of(m);
        if (!collapsed && !single && !inverted && !chance.AtChance)
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
            Accuracy: m.Accuracy,
            ChanceAccuracy: chance.Chance,
            ChanceMargin: chance.Margin,
            BalancedAccuracy: chance.BalancedAccuracy,
            BalancedMargin: chance.BalancedMargin,
            AtChance: chance.AtChance,
            Distribution: [.. Enumerable.Range(0, k).OrderByDescending(i => predictedShare[i]).Take(8)
                .Select(i => new ClassShare(m.Classes[i], predictedShare[i], labelShare[i]))]);

        var title = single
            ? $"Every prediction is '{m.Classes[topPredicted]}' although the labels hold {distinctLabels} classes: the model outputs one trivial answer"
            : inverted
                ? $"The predictions invert the label distribution: '{m.Classes[topPredicted]}' is predicted for {Format.Percent(predictedShare[topPredicted])} of examples but labels only {Format.Percent(labelShare[topPredicted])}, while the majority label '{m.Classes[topLabel]}' ({Format.Percent(labelShare[topLabel])}) is predicted for {Format.Percent(predictedShare[topLabel])}"
                : collapsed
                    ? $"Predictions collapse onto '{m.Classes[topPredicted]}': {Format.Percent(predictedShare[topPredicted])} of predictions against {Format.Percent(labelShare[topPredicted])} of labels"
                    : $"The model has not learned the task: accuracy {Format.Number(m.Accuracy)} (balanced {Format.Number(chance.BalancedAccuracy)}) is no better than a trivial guess ({ChanceName(chance, labelShare[topLabel])} scores {Format.Number(chance.Chance)}, any guess that ignores the input {Format.Number(1.0 / chance.Classes)} balanced; within two standard errors over {n} examples)";
        var atChanceOnly = !collapsed && !single && !inverted;
        yield return context.Finding(
            single || inverted || atChanceOnly ? Severity.Error : Severity.Warning,
            single ? 0.95 : atChanceOnly ? Math.Min(0.95, 0.6 + (0.35 * Math.Min(1, n / 500.0))) : 0.8,
            title,
            evidence,
            [],
            [
                Recommendation.Do("Check that the model learned the task at all: compare with the majority-class baseline, look at a sample of predictions, and check the labels reach the loss (label mapping, padding/ignore index)."),
                Recommendation.Do("If training looks healthy, the model has not learned to separate the classes: train longer or with a higher learning rate, re-balance the classes, and check the inputs carry the signal."),
                .. atChanceOnly
                    ? [Recommendation.Do("Check that each label still belongs to its input (a join, a sort or a shuffle applied to one and not the other leaves labels the inputs cannot predict): train on a few hundred examples until the model fits them, then check that validation accuracy rises above the guess.")]
                    : Array.Empty<Recommendation>(),
            ],
            inverted
                ? "The model prefers a pattern that is rare in the data over the common one: it has not learned the task."
                : atChanceOnly
                    ? "The predictions are right no more often than a guess that ignores the input: the model has learned nothing it can use on the validation set (labels that do not follow from the inputs, a bug between data and loss, or a model that memorised the training set). Its confusions and the labels it contradicts are its own noise, so they are not reported separately."
                    : "The model has collapsed to the easiest answer instead of separating the classes.");
    }

    /// <summary>What the trivial guess is: the majority class when it beats an even split, else one class in K.</summary>
    private static string ChanceName(PredictionsAtChance chance, double majorityShare) =>
        majorityShare > 1.0 / chance.Classes ? "always the majority class" : $"one class in {chance.Classes}";
}

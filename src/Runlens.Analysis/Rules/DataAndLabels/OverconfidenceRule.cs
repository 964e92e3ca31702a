using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules.DataAndLabels;

/// <summary>RL0308: predicted probabilities more confident than the accuracy warrants (high expected calibration error), or a
/// very low prediction entropy with poor accuracy.</summary>
public sealed class OverconfidenceRule : IRule
{
    public RuleDescriptor Descriptor { get; } = RuleDescriptor.Create(
        "RL0308", "overconfidence", "Predictions are more confident than they are right", RuleCategory.DataAndLabels, Severity.Warning,
        [Signal.Predictions],
        [typeof(OverconfidenceEvidence)],
        new RuleOption("max_ece", 0.1, "Expected calibration error (15 bins) above which the model is miscalibrated"),
        new RuleOption("min_gap", 0.05, "Mean confidence minus accuracy from which miscalibration counts as overconfidence"),
        new RuleOption("min_examples", 50, "Examples needed to judge"));

    public IEnumerable<Finding> Evaluate(RuleContext context)
    {
        var p = context.Run.Predictions!;
        var m = p.Evaluation.Metrics;
        if (p.Set is not { } set || set.Probabilities is not { } probs || m.ExpectedCalibrationError is not { } ece
            || m.Examples < context.Option("min_examples"))
        {
            yield break; // needs per-example probabilities
        }

        var k = set.Classes.Length;
        var confidence = 0.0;
        for (var i = 0; i < set.Count; i++)
        {
            var max = 0.0;
            for (var c = 0; c < k; c++)
            {
                max = Math.Max(max, probs[(i * k) + c]);
            }

            confidence += max;
        }

        confidence /= set.Count;
        var gap = confidence - m.Accuracy;
        if (ece < context.Option("max_ece") || gap < context.Option("min_gap"))
        {
            yield break; // calibrated, or under-confident (not this rule's concern)
        }

        // A model at chance that is confident has memorised its training labels: a symptom of not having learned the task
        // (prediction-collapse), for which calibration is not the fix.
        var atChance = PredictionsAtChance.Of(m).AtChance;
        yield return context.Finding(
            atChance ? Severity.Info : Severity.Warning,
            Math.Min(0.95, 0.6 + ece),
            $"Overconfident: mean confidence {Format.Percent(confidence)} but accuracy {Format.Percent(m.Accuracy)} (expected calibration error {Format.Number(ece)} > {Format.Number(context.Option("max_ece"))})"
                + (atChance ? "; the accuracy is no better than a trivial guess, so the model has not learned the task and calibrating it would not help" : ""),
            new OverconfidenceEvidence(
                Ece: ece,
                Threshold: context.Option("max_ece"),
                MeanConfidence: confidence,
                Accuracy: m.Accuracy,
                ConfidenceGap: gap,
                ThresholdGap: context.Option("min_gap"),
                EntropyMean: m.EntropyMean,
                LogLoss: m.LogLoss,
                Examples: m.Examples),
            [],
            [
                Recommendation.Do("Calibrate after training (temperature scaling on a held-out split) before using the probabilities as confidences or thresholds."),
                Recommendation.Do("Label smoothing, or stopping at the validation-loss minimum, keeps the model from growing over-confident during training."),
            ],
            "The model's probabilities overstate how often it is right: thresholds, rankings and confidence-based decisions built on them will be wrong.");
    }
}

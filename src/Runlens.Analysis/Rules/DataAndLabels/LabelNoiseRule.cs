using Runlens.Analysis.Findings;
using Runlens.Analysis.Signals;

namespace Runlens.Analysis.Rules.DataAndLabels;

/// <summary>
/// RL0303: examples whose given label disagrees confidently with the model's out-of-sample probabilities, found by
/// confident learning (<see cref="ConfidentLearning"/>). Needs the validation predictions with probabilities.
/// </summary>
public sealed class LabelNoiseRule : IRule
{
    public RuleDescriptor Descriptor { get; } = RuleDescriptor.Create(
        "RL0303", "label-noise", "Labels that the predictions confidently contradict", RuleCategory.DataAndLabels, Severity.Warning,
        [Signal.Predictions],
        [typeof(LabelNoiseEvidence)],
        new RuleOption("warn_noise_rate", 0.05, "Estimated share of wrong labels from which the finding is a warning (info below)"),
        new RuleOption("min_examples", 20, "Examples with probabilities needed to judge"),
        new RuleOption("top", 20, "Suspected examples listed in the evidence, by margin"),
        new RuleOption("max_val_loss_rise", 0.15, "A validation loss that ended this much (relative) above its minimum, with the final weights kept, marks a memorising, overconfident model whose own errors pass for label issues: information only (overfitting's moderate rise)"));

    public IEnumerable<Finding> Evaluate(RuleContext context)
    {
        if (context.Run.Predictions?.Set is not { Probabilities: { } probabilities } set || set.Count < context.Option("min_examples")
            || set.Classes.Length < 2)
        {
            yield break;
        }

        // Predictions no better than a trivial guess contradict labels at random: that is the model not having learned the
        // task (prediction-collapse says so), not the labels being wrong.
        if (PredictionsAtChance.Of(context.Run.Predictions.Evaluation.Metrics).AtChance)
        {
            yield break;
        }

        var k = set.Classes.Length;
        var result = ConfidentLearning.FindIn(k, set.TrueIndices.AsSpan(), probabilities.AsSpan());
        if (result.Issues.Count == 0)
        {
            yield break;
        }

        var top = (int)context.Option("top");
        var warnRate = context.Option("warn_noise_rate");
        var maxRise = context.Option("max_val_loss_rise");
        var rise = ValLossRise(context.Run);
        var memorising = rise >= maxRise;
        var severity = result.NoiseRate >= warnRate && !memorising ? Severity.Warning : Severity.Info;
        var accuracy = context.Run.Predictions.Evaluation.Metrics.Accuracy;

        // The most frequent (given → suspected) pairs among the issues.
        var pairs = new List<(int Given, int Suspected, long Count)>();
        for (var i = 0; i < k; i++)
        {
            for (var j = 0; j < k; j++)
            {
                if (i != j && result.ConfidentJoint[(i * k) + j] > 0)
                {
                    pairs.Add((i, j, result.ConfidentJoint[(i * k) + j]));
                }
            }
        }

        pairs.Sort((a, b) => b.Count != a.Count ? b.Count.CompareTo(a.Count) : (a.Given, a.Suspected).CompareTo((b.Given, b.Suspected)));
        string Name(int c) => set.Classes[c];
        var listed = result.Issues.Take(top).ToList();
        var labelled = new int[k];
        foreach (var label in set.TrueIndices)
        {
            labelled[label]++;
        }

        var evidence = new LabelNoiseEvidence(
            EvidenceSource: "validation-predictions",
            Examples: set.Count,
            LabelIssues: result.Issues.Count,
            IssueFraction: (double)result.Issues.Count / set.Count,
            EstimatedNoiseFraction: result.NoiseRate,
            Threshold: warnRate,
            UnassignedExamples: result.Unassigned,
            Accuracy: accuracy,
            ClassThresholds: [.. set.Classes.Select((c, i) => new ClassThreshold(c, labelled[i], result.Thresholds[i]))],
            TopPairs: [.. pairs.Take(10).Select(p => new LabelPair(Name(p.Given), Name(p.Suspected), p.Count))],
            SuspectedExamples: [.. listed.Select(x => new SuspectedLabel(set.ExampleIds[x.Example], Name(x.Given), Name(x.Suspected),
                set.Probability(x.Example, x.Given), set.Probability(x.Example, x.Suspected), x.Margin))],
            ValLossRise: rise,
            ThresholdValLossRise: maxRise);

        // Confident learning assumes a reasonably good model; a weak one flags its own errors as label issues.
        var confidence = Math.Min(0.85, 0.45 + (0.4 * Math.Min(1, set.Count / 500.0))) * (accuracy >= 0.6 ? 1 : 0.7);
        yield return context.Finding(
            severity,
            confidence,
            $"{result.Issues.Count} of {set.Count} labels ({Format.Percent((double)result.Issues.Count / set.Count)}) are confidently contradicted by the predictions; "
                + $"estimated label noise {Format.Percent(result.NoiseRate)}"
                + (pairs.Count > 0 ? $", mostly {Name(pairs[0].Given)} → {Name(pairs[0].Suspected)} ({pairs[0].Count})" : "")
                + (memorising ? $"; but the validation loss ended {Format.Percent(rise)} above its minimum (from {Format.Percent(maxRise)} the model is memorising), and a memorising model is confidently wrong on its own: its contradictions are no evidence of wrong labels" : ""),
            evidence,
            [],
            [
                Recommendation.Do($"Review the suspected examples first (largest margin first): {string.Join(", ", listed.Take(5).Select(x => set.ExampleIds[x.Example]))}{(listed.Count > 5 ? ", …" : "")}; fix or drop the labels that are wrong."),
                Recommendation.Do("Check the labelling guideline for the most frequent given → suspected pairs: systematic pairs point to an ambiguous boundary or a mapping bug rather than random mistakes."),
                Recommendation.Do("For the training set, score it with out-of-sample probabilities (k-fold cross-validation) and run the same check; train with the flagged examples removed and compare."),
            ],
            memorising
                ? "A model trained past its best validation loss grows overconfident: its errors on correctly labelled examples reach the confidence confident learning reads as a wrong label. Judge the labels with the predictions of the best checkpoint."
                : accuracy < 0.6
                ? "Either some labels are wrong or the model is too weak for confident learning (accuracy below 0.6): weak models flag their own errors as label issues."
                : "Some given labels disagree with what the model predicts confidently out of sample: likely labelling mistakes.");
    }

    /// <summary>How far (relative) the validation loss ended above its minimum, when the final weights were kept (the
    /// trainer did not stop early and reload its best checkpoint); NaN when it cannot be told.</summary>
    private static double ValLossRise(RunView run)
    {
        if (run.ValLoss is not { Count: >= 3 } val)
        {
            return double.NaN;
        }

        var v = SeriesValues.Of(val);
        var best = SeriesMath.ArgBest(v, greaterIsBetter: false);
        var final = v[^1];
        if (best < 0 || !(v[best] > 0) || !double.IsFinite(final) || LearningDynamics.EarlyStopKeptBest.Of(run.Run, val.Points[best].Step))
        {
            return double.NaN;
        }

        return (final - v[best]) / v[best];
    }
}

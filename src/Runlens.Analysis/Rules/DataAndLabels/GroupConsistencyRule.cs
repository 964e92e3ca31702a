using Runlens.Analysis.Findings;
using Runlens.Analysis.Signals;

namespace Runlens.Analysis.Rules.DataAndLabels;

/// <summary>
/// RL0310: the group consistency a trainer logs (<c>val/speaker_consistency</c>: the share of speakers, patients or
/// documents whose examples all get the same prediction) judged by its expected range — about 1/K at random, 40–60% for a
/// model that generalises, 60–75% reasonable — above 85% over the last evaluations: the model maps the group to a class
/// instead of learning the class. The logged counterpart of group-memorization, which computes it from predictions.
/// </summary>
public sealed class GroupConsistencyRule : IOptionalSignals
{
    public RuleDescriptor Descriptor { get; } = RuleDescriptor.Create(
        "RL0310", "group-consistency", "Logged group (speaker) consistency is suspiciously high", RuleCategory.DataAndLabels, Severity.Warning,
        [],
        [typeof(GroupConsistencyEvidence)],
        new RuleOption("max_consistency", 0.85, "Median consistency over the last `window` evaluations above which the model memorises groups (usual guidance: > 85% is suspicious)"),
        new RuleOption("window", 3, "Last evaluations judged"));

    public bool Applies(RunView run) => new TrainerVocabulary(run.Run).GroupConsistency is { Count: > 0 };

    public IEnumerable<Finding> Evaluate(RuleContext context)
    {
        var run = context.Run;
        var vocab = new TrainerVocabulary(run.Run);
        if (vocab.GroupConsistency is not { } series)
        {
            yield break;
        }

        var points = series.Points.Where(p => double.IsFinite(p.Value)).ToList();
        var window = Math.Min(points.Count, Math.Max(1, (int)context.Option("window")));
        if (window == 0)
        {
            yield break;
        }

        var last = points.Skip(points.Count - window).ToList();
        var median = SeriesMath.Median(last.Select(p => p.Value).ToArray());
        var max = context.Option("max_consistency");
        if (!(median > max))
        {
            yield break;
        }

        var accuracySeries = vocab.Accuracy("val");
        double? accuracy = accuracySeries is { Count: > 0 } a && double.IsFinite(a.Last.Value) ? a.Last.Value : null;
        var entropySeries = vocab.PredictionEntropy;
        double? entropy = entropySeries is { Count: > 0 } h && double.IsFinite(h.Last.Value) ? h.Last.Value : null;
        var classes = PredictionEntropyRule.Classes(run);
        var evidence = new GroupConsistencyEvidence(
            Series: series.Key,
            FirstStep: last[0].Step,
            LastStep: last[^1].Step,
            Window: window,
            Median: median,
            FinalValue: last[^1].Value,
            Threshold: max,
            ExpectedLow: 0.4,
            ExpectedHigh: 0.75,
            RandomBaseline: classes is { } k ? 1.0 / k : null,
            AccuracySeries: accuracySeries?.Key,
            Accuracy: accuracy,
            EntropySeries: entropySeries?.Key,
            Entropy: entropy);
        var poor = accuracy is { } acc && acc < median - 0.3;
        yield return context.Finding(
            Severity.Warning,
            poor ? 0.85 : 0.7,
            $"{series.Key} is {Format.Percent(median)} over the last {window} evaluations, above {Format.Percent(max)}"
                + (accuracy is { } ac ? $" while accuracy is {Format.Percent(ac)}" : "")
                + ": predictions follow the group (speaker), not the example (40–75% is what a model that generalises shows)",
            evidence,
            [last[0].Step, last[^1].Step],
            [
                Recommendation.Do("Add more groups (speakers) per class, and check that no group appears in both training and validation data (split by group: GroupKFold / GroupShuffleSplit)."),
                Recommendation.Do("Augment what identifies the group but not the class (pitch shift, speed perturbation, channel noise), and mix groups within each batch."),
                Recommendation.Do("Raise dropout so the model cannot lean on a few group-specific features."),
            ],
            "A model that recognises the speaker (or patient, or document) and maps it to a class scores only on groups it has seen; on new ones it fails, because the features it uses are not the ones that define the class.",
            series.Key);
    }
}

using Runlens.Analysis.Findings;
using Runlens.Model.Predictions;

namespace Runlens.Analysis.Rules.DataAndLabels;

/// <summary>
/// RL0306: the model predicts one class per group (speaker, patient, document) instead of per example — seed 001's
/// speaker consistency above 85% — when the labels do not explain it. Needs the validation predictions and a group
/// column (<c>--group-by</c>).
/// </summary>
public sealed class GroupMemorizationRule : IRule
{
    public RuleDescriptor Descriptor { get; } = RuleDescriptor.Create(
        "RL0306", "group-memorization", "Predictions follow the group, not the example", RuleCategory.DataAndLabels, Severity.Warning,
        [Signal.Predictions],
        [typeof(GroupMemorizationEvidence)],
        new RuleOption("max_consistency", 0.85, "Share of consistent groups above which predictions are suspicious (usual guidance: speaker consistency > 85%)"),
        new RuleOption("group_consistency", 1, "A group is consistent when at least this fraction of its examples get its most frequent prediction (usual guidance: all of them)"),
        new RuleOption("label_margin", 0.1, "Predictions must be consistent in this much larger a share of groups than the labels to count as memorisation"),
        new RuleOption("max_wrong_share", 0.25, "Share of consistent groups whose shared prediction is not their majority label from which consistency is memorisation even when labels are consistent"),
        new RuleOption("min_group_size", 2, "Examples a group needs to be judged (a single example is always consistent)"),
        new RuleOption("min_groups", 5, "Groups of min_group_size or more needed to judge"));

    /// <summary>One group's numbers.</summary>
    private sealed record Group(string Name, int Count, int PredictedMode, double PredictedConsistency, int LabelMode,
        double LabelConsistency, double Accuracy);

    public IEnumerable<Finding> Evaluate(RuleContext context)
    {
        var predictions = context.Run.Predictions;
        if (predictions?.Set is not { } set || predictions.Slices.GroupBy is not { } column || set.Slice(column) is not { } groupColumn)
        {
            yield break;
        }

        var minSize = (int)context.Option("min_group_size");
        var groups = Groups(set, groupColumn, minSize);
        if (groups.Count < context.Option("min_groups"))
        {
            yield break;
        }

        var level = context.Option("group_consistency");
        var max = context.Option("max_consistency");
        var consistent = groups.Where(g => g.PredictedConsistency >= level).ToList();
        var predShare = (double)consistent.Count / groups.Count;
        var labelShare = (double)groups.Count(g => g.LabelConsistency >= level) / groups.Count;
        var wrong = consistent.Where(g => g.PredictedMode != g.LabelMode).ToList();
        var wrongShare = consistent.Count == 0 ? 0 : (double)wrong.Count / consistent.Count;
        var excess = predShare - labelShare;
        if (!(predShare > max) || (excess < context.Option("label_margin") && wrongShare < context.Option("max_wrong_share")))
        {
            yield break;
        }

        double? trainShare = null;
        if (context.Run.TrainingPredictions?.Set is { } train && train.Slice(column) is { } trainColumn)
        {
            var trainGroups = Groups(train, trainColumn, minSize);
            trainShare = trainGroups.Count == 0 ? null : (double)trainGroups.Count(g => g.PredictedConsistency >= level) / trainGroups.Count;
        }

        // Worst first: consistent and wrong (largest first), then consistent with the least consistent labels.
        var worst = wrong.OrderByDescending(g => g.Count).ThenBy(g => g.Name, StringComparer.Ordinal)
            .Concat(consistent.Except(wrong).OrderBy(g => g.LabelConsistency).ThenByDescending(g => g.Count).ThenBy(g => g.Name, StringComparer.Ordinal))
            .Take(10).ToList();
        var accuracy = predictions.Evaluation.Metrics.Accuracy;
        var explainedByLabels = excess < context.Option("label_margin");
        var evidence = new GroupMemorizationEvidence(
            EvidenceSource: "validation-predictions",
            GroupColumn: column,
            Groups: groups.Count,
            ExamplesInGroups: groups.Sum(g => g.Count),
            SkippedSmallGroups: set.Count == 0 ? 0 : SmallGroups(groupColumn, minSize),
            ConsistentGroups: consistent.Count,
            ConsistentGroupFraction: predShare,
            Threshold: max,
            ThresholdGroupConsistency: level,
            LabelConsistentGroupFraction: labelShare,
            ExcessOverLabels: excess,
            ConsistentButWrongGroups: wrong.Count,
            ConsistentButWrongFraction: wrongShare,
            MeanGroupConsistency: groups.Average(g => g.PredictedConsistency),
            MeanLabelConsistency: groups.Average(g => g.LabelConsistency),
            Accuracy: accuracy,
            TrainingConsistentGroupFraction: trainShare,
            WorstGroups: [.. worst.Select(g => new GroupConsistency(g.Name, g.Count, set.Classes[g.PredictedMode], g.PredictedConsistency,
                set.Classes[g.LabelMode], g.LabelConsistency, g.Accuracy))]);

        var confidence = Math.Min(0.85, 0.45 + (groups.Count / 100.0)) * (explainedByLabels ? 0.85 : 1);
        yield return context.Finding(
            Severity.Warning,
            confidence,
            $"{Format.Percent(predShare)} of {groups.Count} {column} groups get a single prediction (> {Format.Percent(max)}); "
                + (explainedByLabels
                    ? $"their labels are as consistent ({Format.Percent(labelShare)}) but {wrong.Count} of those groups are predicted the wrong class"
                    : $"only {Format.Percent(labelShare)} have a single label"),
            evidence,
            [],
            [
                Recommendation.Do($"Check that no {column} appears in both training and validation data; split by {column} (GroupKFold / GroupShuffleSplit)."),
                Recommendation.Do($"Add more {column}s per class, and mix {column}s within batches so the model cannot key on {column} identity."),
                Recommendation.Do("Augment what identifies the group but not the label (for speech: pitch shift, speed perturbation, channel noise) and raise dropout."),
            ],
            $"The model has learned {column} → class rather than the features of the class: predictions are uniform within a {column} beyond what the labels explain.");
    }

    private static int SmallGroups(SliceColumn column, int minSize) =>
        column.Values.Where(v => v.Length > 0).GroupBy(v => v, StringComparer.Ordinal).Count(g => g.Count() < minSize);

    /// <summary>Groups with at least <paramref name="minSize"/> examples (empty values belong to no group), in name order.</summary>
    private static List<Group> Groups(PredictionSet set, SliceColumn column, int minSize)
    {
        var k = set.Classes.Length;
        var members = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var i = 0; i < set.Count && i < column.Values.Length; i++)
        {
            var v = column.Values[i];
            if (v.Length == 0)
            {
                continue;
            }

            if (!members.TryGetValue(v, out var list))
            {
                members[v] = list = [];
            }

            list.Add(i);
        }

        var result = new List<Group>();
        foreach (var (name, list) in members.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            if (list.Count < minSize)
            {
                continue;
            }

            var predicted = new int[k];
            var labels = new int[k];
            var correct = 0;
            foreach (var i in list)
            {
                predicted[set.PredictedIndices[i]]++;
                labels[set.TrueIndices[i]]++;
                correct += set.PredictedIndices[i] == set.TrueIndices[i] ? 1 : 0;
            }

            var pm = Mode(predicted);
            var lm = Mode(labels);
            result.Add(new Group(name, list.Count, pm, (double)predicted[pm] / list.Count, lm, (double)labels[lm] / list.Count,
                (double)correct / list.Count));
        }

        return result;
    }

    /// <summary>The most frequent class (the first in class order on ties).</summary>
    private static int Mode(int[] counts)
    {
        var best = 0;
        for (var c = 1; c < counts.Length; c++)
        {
            if (counts[c] > counts[best])
            {
                best = c;
            }
        }

        return best;
    }
}

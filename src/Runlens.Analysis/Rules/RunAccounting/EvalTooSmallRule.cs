using Runlens.Analysis.Findings;
using Runlens.Model;

namespace Runlens.Analysis.Rules.RunAccounting;

/// <summary>
/// RL0408: the evaluation set is too small to measure the model. Its size is the run's recorded evaluation-set size, or
/// the smallest n for which every logged accuracy is a whole number of examples out of n (an accuracy of 11/12 = 0.9167
/// moves in steps of 1/12): with fewer than <c>min_examples</c>, one example moves the accuracy by more than a point and
/// the differences between evaluations, checkpoints or runs are mostly noise.
/// </summary>
public sealed class EvalTooSmallRule : IRule
{
    public RuleDescriptor Descriptor { get; } = RuleDescriptor.Create(
        "RL0408", "eval-too-small", "The evaluation set is too small to measure the model", RuleCategory.RunAccounting, Severity.Warning,
        [],
        [typeof(EvalTooSmallEvidence)],
        new RuleOption("min_examples", 100, "Evaluation examples below which one example moves accuracy by more than a point"),
        new RuleOption("min_distinct", 4, "Distinct accuracy values needed before their common step is read as the set's size"),
        new RuleOption("few_distinct_max_examples", 24, "With one distinct value fewer than min_distinct, all but one strictly between 0 and 1 and none of them 0.5, a common step is still read as the set's size when it is at most this many examples"));

    public IEnumerable<Finding> Evaluate(RuleContext context)
    {
        var minExamples = context.Option("min_examples");
        var (examples, source, accuracy, values, distinct) = EvalSetSize.Of(context.Run.Run, minExamples, context.Option("min_distinct"), context.Option("few_distinct_max_examples"));
        if (examples is not { } n || n >= minExamples)
        {
            yield break;
        }

        var final = values.Length > 0 ? values[^1] : double.NaN;
        var se = double.IsFinite(final) ? Math.Sqrt(Math.Max(final * (1 - final), 1.0 / n) / n) : double.NaN;
        var evidence = new EvalTooSmallEvidence(source, accuracy?.Key, n, distinct, final, se, minExamples,
            Math.Min(distinct, context.Option("min_distinct")));
        var how = source == "dataset"
            ? $"the run records {n} evaluation examples"
            : $"every one of the {distinct} distinct values of {accuracy!.Key} is a whole number of examples out of {n}";
        yield return context.Finding(
            Severity.Warning,
            source == "dataset" ? 0.9 : 0.8,
            $"The evaluation set has only {n} examples ({how}): one example moves accuracy by {Format.Percent(1.0 / n)}, under the {Format.Number(minExamples)} examples needed to measure within a point",
            evidence,
            accuracy is null ? [] : [accuracy.First.Step, accuracy.Last.Step],
            [
                Recommendation.Do($"Evaluate on at least {Format.Number(minExamples)} examples (several hundred to tell models apart by a point or two): hold out more data, or use cross-validation when data is scarce."),
                Recommendation.Do(double.IsFinite(se)
                    ? $"Until then, treat differences under about {Format.Percent(2 * se)} (two standard errors at accuracy {Format.Number(final)}) as noise: the best checkpoint, a sudden drop or a gap between metrics may be chance."
                    : "Until then, treat differences between evaluations as noise: the best checkpoint, a sudden drop or a gap between metrics may be chance."),
            ],
            "With so few evaluation examples the scores move by whole examples: the curves' ups and downs, the best checkpoint and the gaps between metrics say more about which examples were drawn than about the model.",
            accuracy is null ? [] : [accuracy.Key]);
    }
}

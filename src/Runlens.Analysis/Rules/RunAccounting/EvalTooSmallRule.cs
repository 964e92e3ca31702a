using Runlens.Analysis.Findings;
using Runlens.Model;

namespace Runlens.Analysis.Rules.RunAccounting;

/// <summary>
/// RL0408: the evaluation set is too small to measure the model. Its size is the run's recorded evaluation-set size, the
/// rows of the validation predictions, or the smallest n for which every logged accuracy is a whole number of examples
/// out of n (an accuracy of 11/12 = 0.9167 moves in steps of 1/12): with fewer than <c>min_examples</c>, one example moves
/// the accuracy by more than a point and the differences between evaluations, checkpoints or runs are mostly noise. A set
/// whose size is not known is also too small when it lacks some of the task's classes: at an evaluation where every
/// example was right (accuracy 1), a macro-F1 below 1 counts classes without a single example.
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
        var run = context.Run.Run;
        var (examples, source, accuracy, values, distinct) = EvalSetSize.Of(run, minExamples, context.Option("min_distinct"), context.Option("few_distinct_max_examples"));
        if (examples is null && context.Run.Predictions is { Set: not null } predictions && predictions.Evaluation.Metrics.Examples > 0)
        {
            (examples, source) = (predictions.Evaluation.Metrics.Examples, "predictions");
        }

        if (examples is { } known && known >= minExamples)
        {
            yield break; // a set of that size holds a class or two without examples by its make-up, not by its size
        }

        // Classes without a single example matter only while the size is unknown or small: they say the set is too small
        // to hold every class.
        var absent = EvalSetSize.AbsentClassesOf(run);
        if (examples is null && absent is null)
        {
            yield break;
        }

        var n = examples;
        if (n is null)
        {
            source = "absent-classes";
            accuracy = run.Get(absent!.AccuracySeries);
        }

        var final = values.Length > 0 ? values[^1] : double.NaN;
        var se = n is { } size && double.IsFinite(final) ? Math.Sqrt(Math.Max(final * (1 - final), 1.0 / size) / size) : double.NaN;
        var evidence = new EvalTooSmallEvidence(source, accuracy?.Key, n, distinct, final, se, minExamples,
            Math.Min(distinct, context.Option("min_distinct")), absent?.MacroF1Series, absent?.Step, absent?.MacroF1 ?? double.NaN,
            absent?.AbsentFraction ?? double.NaN, absent?.Classes, absent?.Absent);
        var lacking = absent is null ? null
            : (absent.Absent is { } count && absent.Classes is { } classes
                ? $"{count} of its {classes} classes have no example in it"
                : $"{Format.Percent(absent.AbsentFraction)} of the classes have no example in it")
              + $" ({absent.AccuracySeries} 1 with {absent.MacroF1Series} {Format.Number(absent.MacroF1)} at step {Format.Step(absent.Step)}: every example was right, and macro-F1 scores a class without examples 0)";
        string title;
        if (n is { } m)
        {
            var how = source switch
            {
                "dataset" => $"the run records {m} evaluation examples",
                "predictions" => $"the validation predictions hold {m} rows",
                _ => $"every one of the {distinct} distinct values of {accuracy!.Key} is a whole number of examples out of {m}",
            };
            title = $"The evaluation set has only {m} examples ({how}): one example moves accuracy by {Format.Percent(1.0 / m)}, under the {Format.Number(minExamples)} examples needed to measure within a point"
                + (lacking is null ? "" : $"; {lacking}");
        }
        else
        {
            title = $"The evaluation set is too small to hold every class: {lacking}; those classes are not measured at all, and {Format.Number(minExamples)} examples are needed to measure within a point";
        }

        long[] steps = accuracy is null ? [] : absent is null ? [accuracy.First.Step, accuracy.Last.Step] : [accuracy.First.Step, absent.Step, accuracy.Last.Step];
        yield return context.Finding(
            Severity.Warning,
            source switch { "dataset" => 0.9, "absent-classes" => 0.75, _ => 0.8 },
            title,
            evidence,
            steps,
            [
                Recommendation.Do($"Evaluate on at least {Format.Number(minExamples)} examples (several hundred to tell models apart by a point or two), with every class represented: hold out more data, stratify the split, or use cross-validation when data is scarce."),
                Recommendation.Do(double.IsFinite(se)
                    ? $"Until then, treat differences under about {Format.Percent(2 * se)} (two standard errors at accuracy {Format.Number(final)}) as noise: the best checkpoint, a sudden drop or a gap between metrics may be chance."
                    : "Until then, treat differences between evaluations as noise: the best checkpoint, a sudden drop or a gap between accuracy and macro-F1 may be chance, and a class without examples is not measured at all."),
            ],
            "With so few evaluation examples the scores move by whole examples: the curves' ups and downs, the best checkpoint and the gaps between metrics say more about which examples were drawn than about the model.",
            [.. new[] { accuracy?.Key, absent?.MacroF1Series }.OfType<string>()]);
    }
}

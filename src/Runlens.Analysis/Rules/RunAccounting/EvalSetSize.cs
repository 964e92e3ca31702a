using Runlens.Analysis.Signals;
using Runlens.Model;

namespace Runlens.Analysis.Rules.RunAccounting;

/// <summary>
/// The size of a run's evaluation set: the recorded size, or the smallest n for which every logged validation accuracy is
/// a whole number of examples out of n (11/12 = 0.9167 moves in steps of 1/12). Used by eval-too-small, and by the rules
/// whose gaps, outliers and per-class scores mean nothing on a handful of examples.
/// </summary>
/// <param name="Examples">The size, or null when neither the run nor its accuracies tell it.</param>
/// <param name="Source"><c>dataset</c> (recorded) or <c>accuracy-steps</c>.</param>
/// <param name="Accuracy">The validation accuracy series, when logged.</param>
/// <param name="Values">Its finite values in [0, 1].</param>
/// <param name="Distinct">How many distinct values it took.</param>
internal sealed record EvalSetSize(long? Examples, string Source, Series? Accuracy, double[] Values, int Distinct)
{
    /// <summary>Evaluation examples below which one example moves accuracy by more than a point (eval-too-small's default).</summary>
    public const double DefaultMinExamples = 100;

    /// <summary>Distinct accuracy values needed before their common step is read as the set's size (eval-too-small's default).</summary>
    public const double DefaultMinDistinct = 4;

    /// <summary>With one distinct value fewer than min_distinct, the largest set a common step is still read as
    /// (eval-too-small's default).</summary>
    public const double DefaultFewDistinctMax = 24;

    /// <summary>The names a validation accuracy is logged under (after <c>val/</c>).</summary>
    internal static readonly string[] AccuracyNames = ["accuracy", "acc"];

    /// <summary>How far a logged accuracy may sit from k/n and still count as k examples out of n (float32 logging).</summary>
    private const double Tolerance = 5e-5;

    /// <summary>Whether the evaluation set is known to hold fewer than <see cref="DefaultMinExamples"/> examples, or to lack
    /// some of the task's classes altogether while its size is unknown (<see cref="AbsentClassesOf"/>): either way its
    /// scores move by whole examples.</summary>
    public static bool IsTooSmall(Run run) =>
        Of(run, DefaultMinExamples, DefaultMinDistinct, DefaultFewDistinctMax).Examples is { } n ? n < DefaultMinExamples : AbsentClassesOf(run) is not null;

    /// <summary>The names a validation macro-F1 is logged under (after <c>val/</c>).</summary>
    internal static readonly string[] MacroF1Names = ["macro_f1", "f1_macro", "macro_avg_f1", "f1_macro_avg", "overall_macro_f1"];

    /// <summary>Accuracy at or above which every evaluation example was right (float32 logs 1.0 exactly).</summary>
    private const double FullAccuracy = 1 - 1e-6;

    /// <summary>Macro-F1 at full accuracy must lie at least this far below 1 to count classes without examples (a value
    /// rounded to 4 decimals, or an F1 averaged over one class of 100, stays above it).</summary>
    public const double MinAbsentClassFraction = 0.01;

    /// <summary>
    /// Classes the evaluation set does not hold, read from an evaluation where every example was right: accuracy 1 means
    /// every class present in the set has F1 1, so a macro-F1 averaged over all K classes (scikit-learn's
    /// <c>f1_score(average="macro", labels=range(K))</c>, which scores a class without examples 0) is the share of the
    /// classes present, and 1 − macro-F1 the share absent. With K from the config (<c>num_labels</c>, <c>num_classes</c>)
    /// the count is K − K·macro-F1, read only when K·macro-F1 is a whole number. Null when no evaluation shows it (the
    /// latest one that does is reported).
    /// </summary>
    public static AbsentClasses? AbsentClassesOf(Run run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var accuracy = AccuracyNames.Select(n => run.Get("val/" + n)).FirstOrDefault(s => s is { Count: > 0 });
        var macroF1 = MacroF1Names.Select(n => run.Get("val/" + n)).FirstOrDefault(s => s is { Count: > 0 });
        if (accuracy is null || macroF1 is null)
        {
            return null;
        }

        var f1ByStep = new Dictionary<long, double>();
        foreach (var p in macroF1.Points)
        {
            f1ByStep[p.Step] = p.Value;
        }

        var classes = run.Config.Number(ChanceLevel.ClassCountKeys) is { } k
            && k >= 2 && k == Math.Floor(k) && k < 1e6 ? (int?)k : null;
        AbsentClasses? found = null;
        foreach (var p in accuracy.Points)
        {
            if (!(p.Value >= FullAccuracy && p.Value <= 1) || !f1ByStep.TryGetValue(p.Step, out var f1) || !(f1 >= 0 && f1 <= 1 - MinAbsentClassFraction))
            {
                continue;
            }

            int? absent = null;
            if (classes is { } K)
            {
                var present = f1 * K;
                if (Math.Abs(present - Math.Round(present)) > 0.01 || Math.Round(present) < 1)
                {
                    continue; // not a share of K classes: macro-F1 averaged some other way
                }

                absent = K - (int)Math.Round(present);
            }

            found = new AbsentClasses(p.Step, accuracy.Key, macroF1.Key, f1, 1 - f1, classes, absent);
        }

        return found;
    }

    /// <summary>The size as the run records it, else as its accuracy steps show it (sizes under <paramref name="minExamples"/>
    /// only, from at least <paramref name="minDistinct"/> distinct values; from one fewer when all but one lie strictly
    /// between 0 and 1, none is 0.5, and the step is at most <paramref name="fewDistinctMax"/> examples).</summary>
    public static EvalSetSize Of(Run run, double minExamples, double minDistinct, double fewDistinctMax)
    {
        ArgumentNullException.ThrowIfNull(run);
        var accuracy = AccuracyNames.Select(n => run.Get("val/" + n)).FirstOrDefault(s => s is { Count: > 0 });
        var values = accuracy?.Points.Select(p => p.Value).Where(v => double.IsFinite(v) && v is >= 0 and <= 1).ToArray() ?? [];
        var distinct = values.Select(v => Math.Round(v, 6)).Distinct().Count();
        if (run.Dataset.EvalExamples is { } recorded and > 0)
        {
            return new EvalSetSize(recorded, "dataset", accuracy, values, distinct);
        }

        long? examples = null;
        if (distinct >= minDistinct)
        {
            examples = SmallestDenominator(values, (int)Math.Ceiling(minExamples) - 1);
        }
        else if (distinct == minDistinct - 1 && InformativeValues(values) >= distinct - 1)
        {
            // A run that reaches its plateau fast logs few distinct accuracies; two values strictly between 0 and 1 that
            // both sit on k/n for a small n (7/12 and 11/12) are still beyond coincidence for a large set.
            examples = SmallestDenominator(values, (int)fewDistinctMax);
        }
        else if (distinct == minDistinct - 2 && values.Length >= MinEvalsForTwoValues && InformativeValues(values) >= 1)
        {
            // A model that reaches its plateau at the first evaluation logs two accuracies, 11/12 and 12/12, over dozens of
            // evaluations: a set of hundreds moves by a few examples between evaluations and does not stay on two values
            // one twelfth apart with nothing in between. They must be one example apart on a small n.
            examples = SmallestDenominator(values, (int)fewDistinctMax) is { } n && OneExampleApart(values, n) ? n : null;
        }

        return new EvalSetSize(examples, "accuracy-steps", accuracy, values, distinct);
    }

    /// <summary>Evaluations needed before two distinct accuracies, one example apart, are read as a small set's steps.</summary>
    public const int MinEvalsForTwoValues = 8;

    /// <summary>Whether the two distinct values differ by exactly one example out of <paramref name="n"/>.</summary>
    private static bool OneExampleApart(double[] values, long n) =>
        Math.Abs(((values.Max() - values.Min()) * n) - 1) <= Tolerance * n;

    /// <summary>Distinct values strictly between 0 and 1 other than 0.5 (which many denominators share).</summary>
    private static int InformativeValues(double[] values) =>
        values.Select(v => Math.Round(v, 6)).Distinct().Count(v => v is > 0 and < 1 && v != 0.5);

    /// <summary>The smallest n in [2, <paramref name="max"/>] for which every value is k/n for a whole k; null when none.</summary>
    private static long? SmallestDenominator(double[] values, int max)
    {
        for (var n = 2; n <= max; n++)
        {
            if (values.All(v => Math.Abs((v * n) - Math.Round(v * n)) <= Tolerance * n))
            {
                return n;
            }
        }

        return null;
    }
}

/// <summary>Classes absent from the evaluation set, read at an evaluation where every example was right.</summary>
/// <param name="Step">The evaluation read (the latest that shows it).</param>
/// <param name="AccuracySeries">The validation accuracy series (1 at <paramref name="Step"/>).</param>
/// <param name="MacroF1Series">The validation macro-F1 series.</param>
/// <param name="MacroF1">Macro-F1 at <paramref name="Step"/>: the share of the classes that the set holds.</param>
/// <param name="AbsentFraction">1 − <paramref name="MacroF1"/>: the share of the classes without an example.</param>
/// <param name="Classes">K from the config, when it records it.</param>
/// <param name="Absent">K − K·macro-F1, when K is known.</param>
internal sealed record AbsentClasses(long Step, string AccuracySeries, string MacroF1Series, double MacroF1, double AbsentFraction, int? Classes, int? Absent);

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

    private static readonly string[] AccuracyNames = ["accuracy", "acc"];

    /// <summary>How far a logged accuracy may sit from k/n and still count as k examples out of n (float32 logging).</summary>
    private const double Tolerance = 5e-5;

    /// <summary>Whether the evaluation set is known to hold fewer than <see cref="DefaultMinExamples"/> examples.</summary>
    public static bool IsTooSmall(Run run) => Of(run, DefaultMinExamples, DefaultMinDistinct, DefaultFewDistinctMax).Examples is { } n && n < DefaultMinExamples;

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

using Runlens.Analysis.Findings;
using Runlens.Analysis.Signals;
using Runlens.Model;

namespace Runlens.Analysis.Rules.DataAndLabels;

/// <summary>
/// RL0304: classes (or entity types) whose F1 is far below the mean. From the logged per-label evaluation metrics
/// (<c>eval_&lt;label&gt;_f1</c>, as the Trainer logs seqeval's per-type report), at the last evaluation.
/// </summary>
public sealed class WeakClassesRule : IRule
{
    private static readonly string[] Aggregates = ["macro", "micro", "weighted", "overall", "mean", "avg"];

    public RuleDescriptor Descriptor { get; } = RuleDescriptor.Create(
        "RL0304", "weak-classes", "Classes with F1 far below the mean", RuleCategory.DataAndLabels, Severity.Warning,
        [],
        [typeof(WeakClassesEvidence), typeof(WeakClassesLoggedEvidence)],
        new RuleOption("weak_fraction", 0.5, "A class is weak when its F1 is below this fraction of the mean F1 over classes"),
        new RuleOption("min_classes", 3, "Per-class F1 series needed to judge"));

    public IEnumerable<Finding> Evaluate(RuleContext context)
    {
        if (context.Run.Predictions is { } predictions)
        {
            var m = predictions.Evaluation.Metrics;
            if (PredictionsAtChance.Of(m).AtChance)
            {
                yield break; // at chance every class is weak and which ones look weakest is noise: prediction-collapse reports it
            }

            var scored = m.PerClass.Where(c => c.Support > 0).ToList();
            if (scored.Count < context.Option("min_classes"))
            {
                yield break;
            }

            var meanF1 = scored.Average(c => c.F1);
            var cut = context.Option("weak_fraction") * meanF1;
            var weakOnes = scored.Where(c => c.F1 < cut).OrderBy(c => c.F1).ThenBy(c => c.Class, StringComparer.Ordinal).ToList();
            if (weakOnes.Count == 0 || !(meanF1 > 0))
            {
                yield break;
            }

            yield return context.Finding(
                Severity.Warning,
                0.8,
                $"{weakOnes.Count} of {scored.Count} classes have an F1 below half the mean F1 (mean {Format.Number(meanF1)}): "
                    + string.Join(", ", weakOnes.Take(5).Select(c => $"{c.Class} {Format.Number(c.F1)}")) + (weakOnes.Count > 5 ? ", …" : ""),
                new WeakClassesEvidence(
                    EvidenceSource: "validation-predictions",
                    Classes: scored.Count,
                    MeanF1: meanF1,
                    Threshold: context.Option("weak_fraction"),
                    F1Cut: cut,
                    WeakClasses: weakOnes.Count,
                    ZeroF1Classes: weakOnes.Count(c => c.F1 == 0),
                    Weakest: [.. weakOnes.Take(10).Select(c => new WeakClass(c.Class, c.F1, c.Precision, c.Recall, c.Support))]),
                [],
                [
                    Recommendation.Do("Look at the weakest classes first: how many examples they have, whether their labels are consistent, and which classes they are confused with (confusion-pairs)."),
                    Recommendation.Do("Add or up-weight examples of the weak classes, or merge classes too rare to learn."),
                ],
                "Some classes are barely learned: the average metrics are carried by the others.");
            yield break;
        }

        var run = context.Run.Run;
        var perClass = new List<(string Label, Series F1)>();
        foreach (var s in run.Series.Values)
        {
            var name = MetricNames.NameOf(s.Key);
            if (MetricNames.SplitOf(s.Key) != "val" || s.Count == 0 || !name.EndsWith("_f1", StringComparison.Ordinal))
            {
                continue;
            }

            var label = name[..^3];
            if (label.Length > 0 && !Aggregates.Any(a => label.Equals(a, StringComparison.OrdinalIgnoreCase) || label.StartsWith(a + "_", StringComparison.OrdinalIgnoreCase)))
            {
                perClass.Add((label, s));
            }
        }

        if (perClass.Count < context.Option("min_classes"))
        {
            yield break;
        }

        var finals = perClass.Select(c => (c.Label, Point: c.F1.Points.LastOrDefault(p => double.IsFinite(p.Value)), Support: Support(run, c.Label)))
            .Where(c => c.Point != default).ToList();
        var mean = finals.Average(c => c.Point.Value);
        var threshold = context.Option("weak_fraction") * mean;
        var weak = finals.Where(c => c.Point.Value < threshold).OrderBy(c => c.Point.Value).ThenBy(c => c.Label, StringComparer.Ordinal).ToList();
        if (weak.Count == 0 || !(mean > 0))
        {
            yield break;
        }

        var zero = weak.Count(c => c.Point.Value == 0);
        var step = finals.Max(c => c.Point.Step);
        var evidence = new WeakClassesLoggedEvidence(
            EvidenceSource: "logged-metrics",
            Classes: finals.Count,
            MeanF1: mean,
            Threshold: context.Option("weak_fraction"),
            F1Cut: threshold,
            WeakClasses: weak.Count,
            ZeroF1Classes: zero,
            Step: step,
            Weakest: [.. weak.Take(10).Select(c => new LoggedWeakClass(c.Label, perClass.First(p => p.Label == c.Label).F1.Key, c.Point.Value,
                c.Support is { } n ? (long)Math.Round(n) : null))]);

        yield return context.Finding(
            Severity.Warning,
            0.75,
            $"{weak.Count} of {finals.Count} classes have an F1 below half the mean F1 (mean {Format.Number(mean)})"
                + (zero > 0 ? $"; {zero} never get a correct prediction (F1 0)" : "")
                + $": {string.Join(", ", weak.Take(5).Select(c => c.Label))}{(weak.Count > 5 ? ", …" : "")}",
            evidence,
            [step],
            [
                Recommendation.Do("Look at the weakest classes first: how many examples they have, whether their labels are consistent, and which classes they are confused with (give Runlens the predictions with `--predictions`)."),
                Recommendation.Do("Add or up-weight examples of the weak classes, or merge classes too rare to learn."),
            ],
            "Some classes are barely learned: the average metrics are carried by the others.",
            [.. weak.Take(10).Select(c => perClass.First(p => p.Label == c.Label).F1.Key)]);
    }

    /// <summary>The class's support when the trainer logged it (seqeval's <c>_number</c> or a <c>_support</c> key).</summary>
    private static double? Support(Run run, string label)
    {
        foreach (var suffix in new[] { "_number", "_support" })
        {
            if (run.Get("val/" + label + suffix) is { Count: > 0 } s)
            {
                return s.Last.Value;
            }
        }

        return null;
    }
}

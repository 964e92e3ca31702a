using Runlens.Analysis.Findings;
using Runlens.Analysis.Signals;
using Runlens.Model;

namespace Runlens.Analysis.Rules.DataAndLabels;

/// <summary>
/// RL0301: accuracy far above macro-F1 — the model does well on the frequent classes and poorly on the rare ones. From
/// the logged evaluation metrics (accuracy and macro-averaged F1 at the same evaluation).
/// </summary>
public sealed class ClassImbalanceRule : IRule
{
    public RuleDescriptor Descriptor { get; } = RuleDescriptor.Create(
        "RL0301", "class-imbalance", "Accuracy far above macro-F1: rare classes are missed", RuleCategory.DataAndLabels, Severity.Warning,
        [],
        [typeof(ClassImbalanceEvidence), typeof(ClassImbalancePredictionsEvidence)],
        new RuleOption("max_gap", 0.15, "Accuracy minus macro-F1 above which class imbalance is reported (usual guidance: > 15% is severe)"));

    public IEnumerable<Finding> Evaluate(RuleContext context)
    {
        if (context.Run.Predictions is { } predictions)
        {
            foreach (var f in FromPredictions(context, predictions))
            {
                yield return f;
            }

            yield break;
        }

        var run = context.Run.Run;
        var accuracy = Find(run, RunAccounting.EvalSetSize.AccuracyNames);
        var macroF1 = Find(run, RunAccounting.EvalSetSize.MacroF1Names);
        if (accuracy is null || macroF1 is null)
        {
            yield break;
        }

        // The evaluation where the gap is widest, among steps both were logged at.
        var f1ByStep = new Dictionary<long, double>();
        foreach (var p in macroF1.Points)
        {
            f1ByStep[p.Step] = p.Value;
        }

        var worst = (Step: -1L, Accuracy: double.NaN, F1: double.NaN, Gap: double.NegativeInfinity);
        var last = worst;
        foreach (var p in accuracy.Points)
        {
            if (f1ByStep.TryGetValue(p.Step, out var f1) && double.IsFinite(p.Value) && double.IsFinite(f1)
                && p.Value < PerfectAccuracy && !OneClassNearEvenShare(p.Value, f1))
            {
                var gap = p.Value - f1;
                last = (p.Step, p.Value, f1, gap);
                if (gap > worst.Gap)
                {
                    worst = last;
                }
            }
        }

        // The imbalance is judged on the model the run ended with: the last evaluation with both scores must show the gap
        // too. A gap that closed again was a phase of training, and a last evaluation left out above (every example right,
        // or one class predicted among even ones: a run that collapsed or diverged) is not rare classes being missed.
        var final = accuracy.Points.LastOrDefault(p => f1ByStep.TryGetValue(p.Step, out var f) && double.IsFinite(p.Value) && double.IsFinite(f));
        if (worst.Step < 0 || !(worst.Gap > context.Option("max_gap")) || final.Step != last.Step || !(last.Gap > context.Option("max_gap")))
        {
            yield break;
        }

        var evidence = new ClassImbalanceEvidence(
            EvidenceSource: "logged-metrics",
            AccuracySeries: accuracy.Key,
            MacroF1Series: macroF1.Key,
            Step: worst.Step,
            Accuracy: worst.Accuracy,
            MacroF1: worst.F1,
            Gap: worst.Gap,
            Threshold: context.Option("max_gap"),
            FinalStep: last.Step,
            FinalGap: last.Gap);

        // On an evaluation set of a few dozen examples some classes have one example or none, and macro-F1 counts each of
        // them as a whole class: the gap is the set's size, not rare classes being ignored (eval-too-small says so). The set
        // is known to be that small from its size, or from classes it lacks (accuracy 1 with macro-F1 below 1).
        var evalSize = RunAccounting.EvalSetSize.Of(run, RunAccounting.EvalSetSize.DefaultMinExamples, RunAccounting.EvalSetSize.DefaultMinDistinct, RunAccounting.EvalSetSize.DefaultFewDistinctMax).Examples;
        var tooSmall = RunAccounting.EvalSetSize.IsTooSmall(run);
        var vocab = new TrainerVocabulary(run);
        yield return context.Finding(
            tooSmall ? Severity.Info : Severity.Warning,
            0.8,
            $"Class imbalance: {accuracy.Key} {Format.Number(worst.Accuracy)} but {macroF1.Key} {Format.Number(worst.F1)} at step {Format.Step(worst.Step)} (gap {Format.Number(worst.Gap)} > {Format.Number(context.Option("max_gap"))})"
                + (!tooSmall ? ""
                    : evalSize is { } examples ? $", on only {examples} evaluation examples: too few for per-class scores, so the gap may be the set's size rather than rare classes"
                    : ", on an evaluation set that lacks some classes (accuracy 1 with macro-F1 below 1 elsewhere in the run): macro-F1 counts each missing class as 0, so the gap is the set's size rather than rare classes"),
            evidence,
            [worst.Step],
            [
                Recommendation.Do("Judge and select checkpoints by macro-F1, not accuracy: accuracy is carried by the frequent classes.",
                    vocab.IsHf ? [vocab.Change("metric_for_best_model", MetricNames.NameOf(macroF1.Key)), vocab.Change("greater_is_better", true)] : []),
                Recommendation.Do("Counter the imbalance: class weights in the loss, resampling of the rare classes, or a focal loss; compare against the majority-class baseline."),
                Recommendation.Do("Give Runlens the validation predictions (`--predictions`) to see which classes fail (per-class F1, confusion pairs)."),
            ],
            "The model scores well on the frequent classes and poorly on the rare ones: accuracy hides it, macro-F1 (every class counts equally) shows it.",
            accuracy.Key, macroF1.Key);
    }

    /// <summary>Accuracy at which every example was right: a macro-F1 below it counts classes the evaluation set does not
    /// contain (too few examples to hold every class), which says nothing about imbalance.</summary>
    private const double PerfectAccuracy = 0.999;

    /// <summary>
    /// Whether accuracy and macro-F1 are what a model predicting one class scores when the classes have nearly even shares
    /// (a model that collapsed or never learned): predicting one class of share m among K classes scores accuracy m and
    /// macro-F1 2m/(1+m)/K, so K ≥ 2m/((1+m)·F1) — at least two classes' worth means most predictions are one class — and an
    /// accuracy under 1.5 times the even share 1/K means that class is not much more frequent than the others. The gap
    /// (1/6 for 2–3 even classes) is then the collapse, not rare classes being ignored.
    /// </summary>
    private static bool OneClassNearEvenShare(double accuracy, double macroF1)
    {
        if (!(macroF1 > 0) || !(accuracy > 0))
        {
            return false;
        }

        var classes = 2 * accuracy / ((1 + accuracy) * macroF1);
        return classes >= 1.75 && accuracy * Math.Max(2, Math.Round(classes)) < 1.5;
    }

    /// <summary>From the validation predictions: the accuracy/macro-F1 gap, the class supports, and the majority-class
    /// baseline (a model below it has learned less than "always predict the commonest class").</summary>
    private IEnumerable<Finding> FromPredictions(RuleContext context, Evaluation.PredictionContext predictions)
    {
        var m = predictions.Evaluation.Metrics;
        var supports = m.PerClass.Select(c => c.Support).ToArray();
        if (m.Examples == 0 || supports.Count(s => s > 0) < 2)
        {
            yield break;
        }

        var majority = Array.IndexOf(supports, supports.Max());
        var baseline = supports[majority] / (double)m.Examples;
        var gap = m.Accuracy - m.F1.Macro;
        var belowBaseline = m.Accuracy <= baseline && baseline >= 0.5;
        if (!(gap > context.Option("max_gap")) && !belowBaseline)
        {
            yield break;
        }

        // Fewer rows than eval-too-small's minimum, with labels that could have been drawn evenly over the classes: a class
        // of a few examples, or none, is then sampling noise of a small set, and macro-F1 counts it as a whole class; the gap
        // cannot say that rare classes are missed (eval-too-small says why). A small set whose skew is clear (even classes
        // rejected at the 1% level) still shows an imbalance.
        var evenP = EvenLabelsP(supports);
        var tooFew = m.Examples < RunAccounting.EvalSetSize.DefaultMinExamples && evenP >= EvenLabelsLevel;
        var vocab = new TrainerVocabulary(context.Run.Run);
        var minority = m.PerClass.Where(c => c.Support > 0).MinBy(c => c.Support)!;
        yield return context.Finding(
            tooFew ? Severity.Info : belowBaseline ? Severity.Error : Severity.Warning,
            0.85,
            $"Class imbalance: accuracy {Format.Number(m.Accuracy)} but macro-F1 {Format.Number(m.F1.Macro)}; '{m.Classes[majority]}' is {Format.Percent(baseline)} of the labels"
                + (belowBaseline ? $", and always predicting it would score {Format.Number(baseline)} — above the model" : "")
                + (tooFew ? $", on only {m.Examples} predictions (under {Format.Number(RunAccounting.EvalSetSize.DefaultMinExamples)}) whose labels could be even over the classes (chi-square p {Format.Number(evenP)} ≥ {Format.Number(EvenLabelsLevel)}): too few for per-class scores, so the gap may be the set's size rather than rare classes" : ""),
            new ClassImbalancePredictionsEvidence(
                EvidenceSource: "validation-predictions",
                Accuracy: m.Accuracy,
                MacroF1: m.F1.Macro,
                Gap: gap,
                Threshold: context.Option("max_gap"),
                MajorityClass: m.Classes[majority],
                MajorityFraction: baseline,
                MajorityBaselineAccuracy: baseline,
                BelowMajorityBaseline: belowBaseline,
                SmallestClass: minority.Class,
                Supports: [.. m.PerClass.Select(c => new ClassSupport(c.Class, c.Support))]),
            [],
            [
                Recommendation.Do("Judge and select checkpoints by macro-F1, not accuracy: accuracy is carried by the frequent classes.",
                    vocab.IsHf ? [vocab.Change("metric_for_best_model", "macro_f1"), vocab.Change("greater_is_better", true)] : []),
                Recommendation.Do("Counter the imbalance: class weights in the loss, resampling of the rare classes, or a focal loss."),
            ],
            belowBaseline
                ? "The model does worse than always predicting the majority class: on this skewed data it has not learned a useful signal."
                : "The model scores well on the frequent classes and poorly on the rare ones: accuracy hides it, macro-F1 shows it.");
    }

    /// <summary>The significance level below which a small set's labels are taken as skewed rather than even.</summary>
    private const double EvenLabelsLevel = 0.01;

    /// <summary>Pearson's goodness-of-fit test of the class supports against an even share over every class (those with no
    /// example included): the chi-square's upper tail with classes − 1 degrees of freedom (scipy's
    /// <c>chisquare(supports).pvalue</c>).</summary>
    internal static double EvenLabelsP(IReadOnlyList<long> supports)
    {
        var total = supports.Sum(s => (double)s);
        if (supports.Count < 2 || !(total > 0))
        {
            return 1;
        }

        var expected = total / supports.Count;
        var chi = supports.Sum(s => (s - expected) * (s - expected) / expected);
        return MathNet.Numerics.SpecialFunctions.GammaUpperRegularized((supports.Count - 1) / 2.0, chi / 2.0);
    }

    private static Series? Find(Run run, string[] names) =>
        names.Select(n => run.Get("val/" + n)).FirstOrDefault(s => s is { Count: > 0 });
}

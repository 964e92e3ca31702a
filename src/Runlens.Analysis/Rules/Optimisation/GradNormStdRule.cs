using Runlens.Analysis.Findings;
using Runlens.Analysis.Signals;

namespace Runlens.Analysis.Rules.Optimisation;

/// <summary>
/// RL0208: the gradient-norm spread a trainer logs (<c>train/grad_norm_std</c>) judged by its healthy range (0.05–0.15:
/// consistent gradient flow): above 0.3 after the first epoch the optimisation is unstable, above 0.5 critical (gradient
/// explosions or vanishing).
/// </summary>
public sealed class GradNormStdRule : IOptionalSignals
{
    public RuleDescriptor Descriptor { get; } = RuleDescriptor.Create(
        "RL0208", "grad-norm-std", "The gradient-norm spread (grad_norm_std) is above its healthy range", RuleCategory.Optimisation, Severity.Warning,
        [],
        [typeof(GradNormStdEvidence)],
        new RuleOption("concerning", 0.3, "Median grad_norm_std above which optimisation is unstable (healthy: 0.05–0.15; concerning: > 0.3)"),
        new RuleOption("critical", 0.5, "Median grad_norm_std above which the instability is critical (gradient explosions or vanishing: > 0.5)"),
        new RuleOption("skip_epochs", 1, "Epochs left out at the start, where norms can spike to the clip value"),
        new RuleOption("min_cv", 0.5, "When the gradient norm is logged too, grad_norm_std must also be at least this fraction of its median, so large but steady norms do not count"));

    public bool Applies(RunView run) => new TrainerVocabulary(run.Run).GradNormStd is { Count: >= 3 };

    public IEnumerable<Finding> Evaluate(RuleContext context)
    {
        var vocab = new TrainerVocabulary(context.Run.Run);
        if (vocab.GradNormStd is not { } series)
        {
            yield break;
        }

        var e = LoggedEpochs.Of(series);
        var judged = e.After(context.Option("skip_epochs"));
        if (judged.Length < 3)
        {
            judged = e.Count >= 6 ? [.. Enumerable.Range(e.Count / 10, e.Count - (e.Count / 10))] : [];
        }

        if (judged.Length < 3)
        {
            yield break;
        }

        var values = judged.Select(i => e.Values[i]).ToArray();
        var median = SeriesMath.Median(values);
        var concerning = context.Option("concerning");
        var critical = context.Option("critical");
        if (!(median > concerning))
        {
            yield break;
        }

        var gradNorm = context.Run.GradNorm is { Count: > 0 } g ? SeriesMath.Median(SeriesValues.Of(g).Where(double.IsFinite).ToArray()) : (double?)null;
        if (gradNorm is { } norm && norm > 0 && median < context.Option("min_cv") * norm)
        {
            yield break; // large but steady norms: the spread is small next to the norm itself
        }

        var isCritical = median > critical;
        var max = judged.MaxBy(i => e.Values[i]);
        var clip = vocab.MaxGradNorm;
        var evidence = new GradNormStdEvidence(
            Series: series.Key,
            Level: isCritical ? "critical" : "concerning",
            FirstStep: e.Steps[judged[0]],
            LastStep: e.Steps[judged[^1]],
            Points: values.Length,
            PointsAbove: values.Count(v => v > concerning),
            Median: median,
            MaxValue: e.Values[max],
            MaxStep: e.Steps[max],
            ExpectedLow: 0.05,
            ExpectedHigh: 0.15,
            Threshold: concerning,
            ThresholdCritical: critical,
            GradNormMedian: gradNorm is { } gn && double.IsFinite(gn) ? gn : null,
            ClipValue: clip);

        var recs = new List<Recommendation>();
        var lr = vocab.LearningRate;
        recs.Add(lr is { } rate
            ? Recommendation.Do($"Reduce the learning rate by half ({Format.Number(rate)} → {Format.Number(TrainerVocabulary.Round3(rate / 2))}).", vocab.LearningRateChange(rate / 2))
            : Recommendation.Do("Reduce the learning rate by half."));
        var accumulation = context.Run.Run.Config.Number("gradient_accumulation_steps");
        recs.Add(vocab.IsHf
            ? Recommendation.Do("Average the gradient over more examples: a larger batch, or more gradient-accumulation steps.", vocab.Change("gradient_accumulation_steps", Math.Max(2, 2 * (accumulation ?? 1))))
            : Recommendation.Do("Average the gradient over more examples: a larger batch, or gradient accumulation."));
        if (clip is null)
        {
            recs.Add(Recommendation.Do("Enable gradient clipping (a norm of 1.0 is the usual start).", vocab.Change(vocab.GradClipKey, 1.0)));
        }

        recs.Add(Recommendation.Do("Check the data loading: batches of very different composition or size (an unshuffled source, a last partial batch, padding) make the gradient jump from step to step."));

        yield return context.Finding(
            isCritical ? Severity.Error : Severity.Warning,
            isCritical ? 0.85 : 0.7,
            $"{series.Key} stays high: median {Format.Number(median)} after the first epoch{(isCritical ? $", above the critical {Format.Number(critical)}" : $", above {Format.Number(concerning)}")} (healthy: {Format.Number(0.05)}–{Format.Number(0.15)}; {(isCritical ? "above 0.5 the gradients explode or vanish in turn" : "above 0.3 the optimisation is unstable")})",
            evidence,
            [e.Steps[judged[0]], e.Steps[max]],
            recs,
            "The size of each update swings from step to step: training follows the noise of single batches rather than the task, and a large swing can throw the weights out of a good region.",
            series.Key);
    }
}

using Runlens.Analysis.Findings;
using Runlens.Analysis.Signals;

namespace Runlens.Analysis.Rules.DataAndLabels;

/// <summary>
/// RL0309: the mean prediction entropy a trainer logs (<c>val/avg_entropy</c>) judged by the ranges of a classifier over 8
/// classes — 1.5–2.0 early, 0.8–1.5 mid-training, 0.3–0.8 well trained, below 0.2 overfit — scaled by ln K / ln 8 for K
/// classes when the run records K. Fires when the final entropy is below the overfit level (overconfident, worse with poor
/// accuracy), or still at the early level after `late_epoch` epochs (the model stays unsure: too little capacity, or
/// nothing to learn).
/// </summary>
public sealed class PredictionEntropyRule : IOptionalSignals
{
    private static readonly double Ln8 = Math.Log(8);

    public RuleDescriptor Descriptor { get; } = RuleDescriptor.Create(
        "RL0309", "prediction-entropy", "The prediction entropy is outside its healthy range", RuleCategory.DataAndLabels, Severity.Warning,
        [],
        [typeof(PredictionEntropyEvidence)],
        new RuleOption("overconfident", 0.2, "Mean entropy (nats, for 8 classes) below which predictions are overconfident (usual guidance: < 0.2 is overfit)"),
        new RuleOption("uncertain", 1.5, "Mean entropy (nats, for 8 classes) above which the model is still as unsure as at the start of training (1.5–2.0 early)"),
        new RuleOption("late_epoch", 10, "Epoch from which an early-training entropy is a problem rather than a stage"),
        new RuleOption("good_accuracy", 0.6, "Validation accuracy below which low entropy is confidence without skill (usual guidance: a good model scores 0.60–0.75)"));

    public bool Applies(RunView run) => new TrainerVocabulary(run.Run).PredictionEntropy is { Count: >= 2 };

    /// <summary>The healthy range (nats, 8 classes) for an epoch.</summary>
    public static (double Low, double High) Expected(double epoch) => epoch <= 3 ? (1.5, 2.0) : epoch <= 10 ? (0.8, 1.5) : (0.3, 0.8);

    public IEnumerable<Finding> Evaluate(RuleContext context)
    {
        var run = context.Run;
        var vocab = new TrainerVocabulary(run.Run);
        if (vocab.PredictionEntropy is not { } series)
        {
            yield break;
        }

        var e = LoggedEpochs.Of(series);
        if (e.Count < 2)
        {
            yield break;
        }

        var classes = Classes(run);
        var scale = classes is { } k and >= 2 ? Math.Log(k) / Ln8 : 1.0;
        var final = e.Values[^1];
        var epoch = e.Epochs[^1];
        var accuracySeries = vocab.Accuracy("val");
        double? accuracy = accuracySeries is { } a ? LastFinite(a) : run.Predictions?.Evaluation.Metrics.Accuracy;
        double? trainAccuracy = vocab.Accuracy("train") is { } t ? LastFinite(t) : null;
        var (low, high) = Expected(epoch);
        var kText = classes is { } c ? $"{c} classes" : "8 classes assumed (the number of classes is not recorded)";

        string level;
        double threshold;
        Severity severity;
        double confidence;
        string title;
        List<Recommendation> recs;
        string why;
        if (final < context.Option("overconfident") * scale)
        {
            threshold = context.Option("overconfident") * scale;
            var poor = accuracy is { } acc && acc < context.Option("good_accuracy");
            level = "overconfident";
            severity = Severity.Warning;
            confidence = poor ? 0.8 : 0.6;
            title = $"{series.Key} fell to {Format.Number(final)}, below {Format.Number(threshold)} ({kText}): overconfident predictions"
                + (poor ? $" at a validation accuracy of only {Format.Percent(accuracy!.Value)}" : "");
            recs =
            [
                Recommendation.Do("Stop at the validation-loss minimum rather than training on while the predictions harden (early stopping on the validation loss)."),
                Recommendation.Do("Regularise the output: label smoothing (0.1), more dropout or weight decay."),
                Recommendation.Do("Calibrate after training (temperature scaling on a held-out split) before using the probabilities as confidences."),
            ];
            why = "Near-certain predictions on validation data the model often gets wrong are the mark of memorisation: the model has learned the training examples, not a rule that generalises.";
        }
        else if (epoch >= context.Option("late_epoch") && final > context.Option("uncertain") * scale)
        {
            threshold = context.Option("uncertain") * scale;
            level = "uncertain";
            severity = Severity.Warning;
            confidence = 0.7;
            title = $"{series.Key} is still {Format.Number(final)} after {Format.Number(Math.Floor(epoch))} epochs, above {Format.Number(threshold)} ({kText}): the model is as unsure as at the start of training (healthy by now: {Format.Number(low * scale)}–{Format.Number(high * scale)})";
            var lr = vocab.LearningRate;
            recs =
            [
                Recommendation.Do("Give the model more capacity: unfreeze more layers of the pretrained model, widen the classifier head (hidden_dim), or use a larger base model."),
                lr is { } rate
                    ? Recommendation.Do($"If the gradients are stable, raise the learning rate ({Format.Number(rate)} → {Format.Number(TrainerVocabulary.Round3(rate * 2))}).", vocab.LearningRateChange(rate * 2))
                    : Recommendation.Do("If the gradients are stable, raise the learning rate."),
                Recommendation.Do("Add more diverse training data: the model finds nothing in the current inputs that tells the classes apart with confidence."),
            ];
            why = "A classifier that is still nearly uniform over its classes late in training has not found features that separate them: more steps of the same will not change that.";
        }
        else
        {
            yield break;
        }

        var evidence = new PredictionEntropyEvidence(
            Series: series.Key,
            Level: level,
            Step: e.Steps[^1],
            Epoch: epoch,
            EpochsFromLogIndex: e.FromLogIndex,
            Value: final,
            FirstValue: e.Values[0],
            ExpectedLow: low * scale,
            ExpectedHigh: high * scale,
            Threshold: threshold,
            Classes: classes,
            ScaleFactor: scale,
            AccuracySeries: accuracySeries?.Key,
            Accuracy: accuracy,
            TrainAccuracy: trainAccuracy);
        yield return context.Finding(severity, confidence, title, evidence, [e.Steps[^1]], recs, why, series.Key);
    }

    /// <summary>The number of classes: the config's <c>num_labels</c>/<c>num_classes</c>, else the predictions' classes.</summary>
    internal static int? Classes(RunView run)
    {
        if (run.Run.Config.Number("num_labels", "num_classes", "n_classes", "nb_classes") is { } k && k >= 2 && k < 1e6)
        {
            return (int)k;
        }

        return run.Predictions?.Evaluation.Metrics.Classes.Count is { } n and >= 2 ? n : null;
    }

    private static double? LastFinite(Model.Series s)
    {
        var v = SeriesValues.Of(s);
        var i = SeriesMath.LastFinite(v);
        return i >= 0 ? v[i] : null;
    }
}

using System.Collections.Immutable;
using System.Runtime.InteropServices;
using Runlens.Analysis.Entities;
using Runlens.Analysis.Metrics;
using Runlens.Model.Predictions;

namespace Runlens.Analysis.Evaluation;

/// <summary>The evaluation of one predictions file: classification metrics (per example, or per token for token files),
/// and for token files the entity-level scores as seqeval computes them.</summary>
public sealed record PredictionEvaluation(
    string Source,
    ClassificationMetricsResult Metrics,
    EntityReport? Entities,
    ImmutableArray<string> InputWarnings)
{
    /// <summary>Examples worth reading: highest entropy, and a sample of correct and incorrect predictions.</summary>
    public ExampleSamples Samples { get; init; } = ExampleSamples.Empty;

    /// <summary>Bootstrap 95% intervals of accuracy, balanced accuracy and macro-F1 (per-example sets only).</summary>
    public IReadOnlyDictionary<string, BootstrapInterval> Intervals { get; init; } = new Dictionary<string, BootstrapInterval>();

    /// <summary>Per-class ROC and precision-recall curves (per-example sets with probabilities; empty otherwise).</summary>
    public ImmutableArray<ClassCurve> Curves { get; init; } = [];

    /// <summary>Per-batch accuracy and the worst batches, when the file has a <c>batch</c> column.</summary>
    public BatchReport? Batches { get; init; }

    /// <summary>Findings of the data and label rules over these predictions (set by <c>runlens evaluate</c>).</summary>
    public ImmutableArray<Findings.Finding> Findings { get; init; } = [];

    /// <summary>The flat metric names aggregated across seeds (<c>f1_macro</c>, <c>accuracy</c>, …).</summary>
    public IReadOnlyDictionary<string, double> FlatMetrics()
    {
        var m = Metrics;
        var d = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["accuracy"] = m.Accuracy,
            ["balanced_accuracy"] = m.BalancedAccuracy,
            ["precision_macro"] = m.Precision.Macro,
            ["recall_macro"] = m.Recall.Macro,
            ["f1_macro"] = m.F1.Macro,
            ["f1_weighted"] = m.F1.Weighted,
            ["f1_micro"] = m.F1.Micro,
            ["mcc"] = m.MatthewsCorrelation,
            ["cohen_kappa"] = m.CohenKappa,
        };
        Add(d, "roc_auc_macro", m.RocAucMacro);
        Add(d, "average_precision_macro", m.AveragePrecisionMacro);
        Add(d, "log_loss", m.LogLoss);
        Add(d, "brier", m.Brier);
        Add(d, "ece", m.ExpectedCalibrationError);
        Add(d, "entropy_mean", m.EntropyMean);
        if (Entities is { } e)
        {
            d["entity_f1_micro"] = e.Micro.F1;
            d["entity_f1_macro"] = e.Macro.F1;
        }

        return d;
    }

    /// <summary>Evaluates a per-example predictions set.</summary>
    public static PredictionEvaluation Of(PredictionSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        // the set's arrays as they are (no copy): the input only reads them
        var input = ClassificationInput.Create(set.Classes, ImmutableCollectionsMarshal.AsArray(set.TrueIndices)!,
            ImmutableCollectionsMarshal.AsArray(set.PredictedIndices), set.Probabilities is { } p ? ImmutableCollectionsMarshal.AsArray(p) : null);
        // the bootstrap, the example samples and the batches (each independent of the rest) run beside the curves and the
        // metrics, so that no core waits for another
        var intervals = Task.Run(() => LabelBootstrap.Intervals(set.TrueIndices, set.PredictedIndices, set.Classes.Length));
        // the metrics' pass over the probability rows (one core) beside the curves too; it keeps each row's entropy for the
        // example samples, which follow it
        var entropies = set.Probabilities is not null ? new double[set.Count] : null;
        var rowScan = ClassificationMetrics.StartRowScan(input, entropies);
        var samples = rowScan is null
            ? Task.Run(() => (ExampleSamples.Of(set), BatchReport.Of(set)))
            : rowScan.ContinueWith(scan =>
            {
                _ = scan.GetAwaiter().GetResult();
                return (ExampleSamples.Of(set, 10, entropies), BatchReport.Of(set));
            }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        // the curves first: each class's scores are sorted once, for its curves and its ROC-AUC and average precision
        var ranked = new RankedScores?[set.Classes.Length];
        var curves = ClassCurves.Of(input, ClassCurves.MaxPoints, ranked);
        var metrics = ClassificationMetrics.Compute(input, ranked, rowScan);
        var (examples, batches) = samples.GetAwaiter().GetResult();
        return new PredictionEvaluation(set.Source, metrics, null, [.. set.Warnings.Select(w => w.ToString())])
        {
            Samples = examples,
            Curves = curves,
            Intervals = intervals.GetAwaiter().GetResult(),
            Batches = batches,
        };
    }

    /// <summary>Evaluates a token-classification set: tag-level classification metrics and seqeval entity scores.</summary>
    public static PredictionEvaluation Of(TokenPredictionSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        var gold = set.Sentences.SelectMany(s => s.Labels).ToList();
        var predicted = set.Sentences.SelectMany(s => s.Predicted).ToList();
        var metrics = ClassificationMetrics.Compute(ClassificationInput.FromLabels(gold, predicted));
        return new PredictionEvaluation(set.Source, metrics, Seqeval.Report(set), [.. set.Warnings.Select(w => w.ToString())]);
    }

    private static void Add(Dictionary<string, double> d, string key, double? v)
    {
        if (v is { } x)
        {
            d[key] = x;
        }
    }
}

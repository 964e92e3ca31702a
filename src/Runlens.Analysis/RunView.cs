using System.Collections.Immutable;
using Runlens.Model;

namespace Runlens.Analysis;

/// <summary>
/// A run as rules read it: the series they ask for by role (training loss, validation loss, the primary metric),
/// resolved once from whatever names the trainer used. The machine's readings (<c>system/*</c> series, see
/// <see cref="SystemMetrics"/>) are kept apart in <see cref="SystemSeries"/>: <see cref="Run"/> holds the training series only,
/// so no metric rule mistakes GPU utilisation for a metric or seconds for training steps.
/// </summary>
public sealed class RunView
{
    public RunView(Run run, Evaluation.PredictionContext? predictions = null, Evaluation.PredictionContext? trainingPredictions = null,
        Evaluation.SeedAggregate? seeds = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        (Run, SystemSeries) = SplitSystem(run);
        Seeds = seeds;
        _taskMoveAfterLossBest = new Lazy<TaskMetricMove?>(() => TaskMetrics.AfterLossBest(this));
        Predictions = predictions;
        TrainingPredictions = trainingPredictions;
        TrainLoss = FindLoss(Run, "train");
        ValLoss = FindLoss(Run, "val");
        (Primary, PrimaryGreaterIsBetter, PrimarySource) = FindPrimary(Run, ValLoss);
    }

    /// <summary>The run without its <c>system/*</c> series (everything else as imported).</summary>
    public Run Run { get; }

    /// <summary>The run's <c>system/*</c> series (CPU, memory, GPU readings; step = seconds since start) by key; empty
    /// when the run has none.</summary>
    public ImmutableSortedDictionary<string, Series> SystemSeries { get; }

    /// <summary>The training loss: the most-logged <c>train/*loss</c> series (<c>train/loss</c> on a tie).</summary>
    public Series? TrainLoss { get; }

    /// <summary>The validation loss: the most-logged <c>val/*loss</c> series (<c>val/loss</c> on a tie, else the first, e.g.
    /// <c>val/g0_loss</c> with several evaluation sets).</summary>
    public Series? ValLoss { get; }

    /// <summary>The metric the run is judged by: the trainer's best-model metric, else validation loss, else another
    /// validation metric; null when no validation series exists.</summary>
    public Series? Primary { get; }

    public bool PrimaryGreaterIsBetter { get; }

    /// <summary>Why <see cref="Primary"/> was chosen (<c>trainer best_metric</c>, <c>validation loss</c>, …).</summary>
    public string PrimarySource { get; }

    /// <summary>Validation predictions given with the run (<c>--predictions</c>), or null.</summary>
    public Evaluation.PredictionContext? Predictions { get; }

    /// <summary>Training-set predictions, when given too (group memorisation compares them), or null.</summary>
    public Evaluation.PredictionContext? TrainingPredictions { get; }

    /// <summary>The metrics of several runs of this config that differ only by seed (<c>evaluate --seeds</c>), or null.</summary>
    public Evaluation.SeedAggregate? Seeds { get; }

    public Series? GradNorm => Run.Get(MetricNames.GradNorm);

    private readonly Lazy<TaskMetricMove?> _taskMoveAfterLossBest;

    /// <summary>How the task metric moved after the validation loss's minimum (<see cref="TaskMetrics.AfterLossBest"/>),
    /// computed once for the rules that need it (overfitting, past-best-checkpoint, metric-disagreement).</summary>
    public TaskMetricMove? TaskMoveAfterLossBest => _taskMoveAfterLossBest.Value;

    public Series? LearningRate => Run.Get(MetricNames.LearningRate);

    /// <summary>Whether a signal is present in this run.</summary>
    public bool Has(Rules.Signal signal) => signal.Id switch
    {
        "train/loss" => TrainLoss is { Count: > 0 },
        "val/loss" => ValLoss is { Count: > 0 },
        "val/metric" => Primary is { Count: >= 2 },
        "train/grad_norm" => GradNorm is { Count: > 0 },
        "train/learning_rate" => LearningRate is { Count: > 0 },
        "series" => Run.Series.Values.Any(s => s.Count > 0),
        "predictions" => Predictions is not null,
        "seeds" => Seeds is { Metrics.Count: > 0 },
        _ => false,
    };

    private static (Run, ImmutableSortedDictionary<string, Series>) SplitSystem(Run run)
    {
        var empty = ImmutableSortedDictionary<string, Series>.Empty.WithComparers(StringComparer.Ordinal);
        if (!run.Series.Keys.Any(SystemMetrics.IsSystem))
        {
            return (run, empty);
        }

        var system = empty.AddRange(run.Series.Where(kv => SystemMetrics.IsSystem(kv.Key)));
        return (run with { Series = run.Series.RemoveRange(system.Keys) }, system);
    }

    /// <summary>The split's loss: the <c>*loss</c> series with the most points (a per-step loss over a per-epoch
    /// summary of it); on a tie the exact <c>split/loss</c>, then key order (the first of several evaluation sets).</summary>
    private static Series? FindLoss(Run run, string split)
    {
        Series? best = null;
        foreach (var s in run.Series.Values)
        {
            if (s.Count == 0 || MetricNames.SplitOf(s.Key) != split
                || !MetricNames.IsLossName(s.Key))
            {
                continue;
            }

            if (best is null || s.Count > best.Count || (s.Count == best.Count && s.Key == split + "/loss"))
            {
                best = s;
            }
        }

        return best;
    }

    private static (Series?, bool, string) FindPrimary(Run run, Series? valLoss)
    {
        var t = run.Trainer;
        if (t.BestMetricKey is { } key && run.Series.TryGetValue(key, out var best) && best.Count > 0)
        {
            return (best, t.GreaterIsBetter ?? !MetricNames.IsLoss(key), "the trainer's best-model metric");
        }

        if (valLoss is not null)
        {
            return (valLoss, false, "validation loss");
        }

        var other = run.Series.Values.FirstOrDefault(s => s.Count > 1 && MetricNames.SplitOf(s.Key) == "val"
            && !MetricNames.NameOf(s.Key).Contains("runtime", StringComparison.Ordinal)
            && !MetricNames.NameOf(s.Key).Contains("per_second", StringComparison.Ordinal));
        return other is null ? (null, false, "none") : (other, !MetricNames.IsLoss(other.Key), "the first validation metric");
    }
}

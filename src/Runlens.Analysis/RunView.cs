using Runlens.Model;

namespace Runlens.Analysis;

/// <summary>
/// A run as rules read it: the series they ask for by role (training loss, validation loss, the primary metric),
/// resolved once from whatever names the trainer used.
/// </summary>
public sealed class RunView
{
    public RunView(Run run)
    {
        Run = run;
        TrainLoss = FindLoss(run, "train");
        ValLoss = FindLoss(run, "val");
        (Primary, PrimaryGreaterIsBetter, PrimarySource) = FindPrimary(run, ValLoss);
    }

    public Run Run { get; }

    /// <summary><c>train/loss</c>, else the first <c>train/*loss</c> series.</summary>
    public Series? TrainLoss { get; }

    /// <summary><c>val/loss</c>, else the first <c>val/*loss</c> series (e.g. <c>val/g0_loss</c> with several eval sets).</summary>
    public Series? ValLoss { get; }

    /// <summary>The metric the run is judged by: the trainer's best-model metric, else validation loss, else another
    /// validation metric; null when no validation series exists.</summary>
    public Series? Primary { get; }

    public bool PrimaryGreaterIsBetter { get; }

    /// <summary>Why <see cref="Primary"/> was chosen (<c>trainer best_metric</c>, <c>validation loss</c>, …).</summary>
    public string PrimarySource { get; }

    public Series? GradNorm => Run.Get(MetricNames.GradNorm);

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
        _ => false,
    };

    private static Series? FindLoss(Run run, string split)
    {
        if (run.Series.TryGetValue(split + "/loss", out var exact) && exact.Count > 0)
        {
            return exact;
        }

        return run.Series.Values.FirstOrDefault(s => s.Count > 0
            && MetricNames.SplitOf(s.Key) == split
            && MetricNames.NameOf(s.Key).EndsWith("loss", StringComparison.OrdinalIgnoreCase));
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

using System.Collections.Immutable;

namespace Runlens.Model;

/// <summary>
/// One training run as every part of Runlens sees it: identity, configuration, logged series, checkpoints,
/// trainer state and events. Immutable; importers build it, analysis reads it.
/// </summary>
public sealed record Run
{
    public required RunIdentity Identity { get; init; }

    /// <summary>Hyperparameters and settings, flattened to dotted keys (e.g. <c>optimizer.lr</c>).</summary>
    public RunConfig Config { get; init; } = RunConfig.Empty;

    /// <summary>Logged series by normalised key (see <see cref="MetricNames"/>).</summary>
    public ImmutableSortedDictionary<string, Series> Series { get; init; } =
        ImmutableSortedDictionary<string, Series>.Empty.WithComparers(StringComparer.Ordinal);

    /// <summary>Final or summary values that are not a series: HF <c>train_results.json</c>, W&amp;B
    /// <c>wandb-summary.json</c>, the trainer's closing <c>train_loss</c>/<c>train_runtime</c> entry. Keys as logged.</summary>
    public ImmutableSortedDictionary<string, double> Summary { get; init; } =
        ImmutableSortedDictionary<string, double>.Empty.WithComparers(StringComparer.Ordinal);

    public ImmutableArray<Checkpoint> Checkpoints { get; init; } = [];

    /// <summary>What the trainer itself recorded about progress, best checkpoint and early stopping.</summary>
    public TrainerState Trainer { get; init; } = TrainerState.Empty;

    public DatasetStats Dataset { get; init; } = DatasetStats.Empty;

    public RunStatus Status { get; init; } = RunStatus.Unknown;

    /// <summary>Errors, import damage, early stops and notes, in the order they were found.</summary>
    public ImmutableArray<RunEvent> Events { get; init; } = [];

    public Series? Get(string key) => Series.GetValueOrDefault(key);

    public bool Has(string key) => Series.TryGetValue(key, out var s) && s.Count > 0;

    /// <summary>The step of the newest point logged, over every series (each series' last point, so a run resumed from an
    /// earlier step reads as where it is now); null when nothing is logged.</summary>
    public long? LastStep
    {
        get
        {
            long? last = null;
            foreach (var s in Series.Values)
            {
                if (s.Count > 0 && (last is null || s.Last.Step > last))
                {
                    last = s.Last.Step;
                }
            }

            return last;
        }
    }
}

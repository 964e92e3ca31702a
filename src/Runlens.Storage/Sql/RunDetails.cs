using Runlens.Model;

namespace Runlens.Storage.Sql;

/// <summary>The parts of a run kept as one JSON document: summary values, trainer state, dataset sizes, checkpoints, events.</summary>
internal sealed record RunDetails(Dictionary<string, double> Summary, TrainerState? Trainer, DatasetStats? Dataset, List<Checkpoint> Checkpoints, List<RunEvent> Events)
{
    public static RunDetails Empty { get; } = new([], null, null, [], []);

    public static RunDetails Of(Run run) =>
        new(run.Summary.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal), run.Trainer, run.Dataset, [.. run.Checkpoints], [.. run.Events]);
}

using System.Text.Json.Serialization;
using Runlens.Model;

namespace Runlens.Reports.Contracts;

/// <summary>
/// The run object: the one shape of a run in every contract that carries one (the diagnosis' <c>run</c>, MCP
/// <c>get_run</c>). One null rule: a field the log does not record is written as <c>null</c>, never left out; only
/// <c>config</c> is left out, by views that say so (MCP <c>diagnose_run</c> with compact=true).
/// </summary>
public record RunJson(
    string Id,
    string Name,
    string? Experiment,
    string? ParentId,
    SourceJson Source,
    string Status,
    DateTimeOffset? StartTime,
    DateTimeOffset? EndTime,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, ConfigValue>? Config,
    long? GlobalStep,
    double? Epochs,
    long? MaxSteps,
    double? NumTrainEpochs,
    TrainerJson Trainer,
    IReadOnlyList<CheckpointJson> Checkpoints,
    DatasetJson Dataset,
    IReadOnlyDictionary<string, double> Summary,
    IReadOnlyList<EventJson> Events)
{
    /// <summary>The run object of <paramref name="run"/>; <paramref name="configKeys"/>, <paramref name="checkpoints"/> and
    /// <paramref name="events"/> cap those lists (a view for agents), null for all.</summary>
    public static RunJson From(Run run, int? configKeys = null, int? checkpoints = null, int? events = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        var id = run.Identity;
        // The whole config is the run's own sorted table (no copy: a dictionary of config values is generic code that was
        // JIT-compiled at every start); a capped view copies its first keys in the same order.
        IReadOnlyDictionary<string, ConfigValue> config = run.Config.Values;
        if (configKeys is { } c)
        {
            var first = new Dictionary<string, ConfigValue>(StringComparer.Ordinal);
            foreach (var (k, v) in run.Config.Values.Take(c))
            {
                first[k] = v;
            }

            config = first;
        }

        return new RunJson(
            id.Id,
            id.Name,
            id.Experiment,
            id.ParentId,
            SourceJson.From(id.Source),
            StatusText(run.Status),
            id.Time.Start,
            id.Time.End,
            config,
            RunFacts.GlobalStep(run),
            RunFacts.Epochs(run),
            run.Trainer.MaxSteps,
            run.Trainer.NumTrainEpochs,
            TrainerJson.From(run.Trainer),
            [.. (checkpoints is { } k2 ? run.Checkpoints.Take(k2) : run.Checkpoints).Select(x => new CheckpointJson(x.Step, x.Path))],
            new DatasetJson(run.Dataset.TrainExamples, run.Dataset.EvalExamples, run.Dataset.TestExamples),
            run.Summary,
            [.. (events is { } e ? run.Events.Take(e) : run.Events).Select(EventJson.From)]);
    }

    /// <summary>A run status as the contracts write it: <c>running</c>, <c>finished</c>, <c>failed</c>, <c>killed</c>, <c>unknown</c>.</summary>
    public static string StatusText(RunStatus status) => status.ToString().ToLowerInvariant();
}

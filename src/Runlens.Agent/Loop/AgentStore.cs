using System.Globalization;
using Runlens.Agent.Registry;
using Runlens.Model;
using Runlens.Pipeline.Stores;
using Runlens.Storage;

namespace Runlens.Agent.Loop;

/// <summary>
/// Puts the agent's runs into the run store, so <c>runlens compare</c>, <c>runlens impact --experiment</c>, the web UI and
/// MCP see them: each seed's run under the goal's name as its experiment, tagged with the goal's correlation id, the
/// experiment and the seed, with its validation predictions as an upload. Saving is idempotent (the store adds nothing
/// for a run it has), so a resumed agent saves every registered run again without harm.
/// </summary>
public sealed class AgentStore(StoreAccess store, string goal, string correlationId) : IAsyncDisposable
{
    public const string CorrelationTag = "runlens.agent.correlation_id";
    public const string ExperimentTag = "runlens.agent.experiment";
    public const string SeedTag = "runlens.agent.seed";

    /// <summary>The id a seed's run gets in the store.</summary>
    public static string RunId(string correlationId, string experiment, int seed) =>
        $"agent-{correlationId[..Math.Min(12, correlationId.Length)]}-{experiment}-seed{seed.ToString(CultureInfo.InvariantCulture)}";

    public async Task SaveAsync(string experiment, int seed, Run run, string? predictions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        var id = RunId(correlationId, experiment, seed);
        var identity = run.Identity with { Id = id, Name = $"{goal}/{experiment}/seed-{seed.ToString(CultureInfo.InvariantCulture)}", Experiment = goal };
        await store.Runs.SaveRunAsync(run with { Identity = identity }, cancellationToken).ConfigureAwait(false);
        var blobs = predictions is not null && File.Exists(predictions)
            ? [StoredPredictions.Blob("validation", Path.GetExtension(predictions).TrimStart('.') is "jsonl" ? "jsonl" : "csv", await File.ReadAllBytesAsync(predictions, cancellationToken).ConfigureAwait(false))]
            : Array.Empty<RunBlob>();
        await store.Live.ApplyAsync(id, new RunChanges
        {
            Tags = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [CorrelationTag] = correlationId,
                [ExperimentTag] = experiment,
                [SeedTag] = seed.ToString(CultureInfo.InvariantCulture),
            },
            Blobs = blobs,
        }, cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => store.DisposeAsync();
}

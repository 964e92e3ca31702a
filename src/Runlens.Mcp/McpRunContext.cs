using System.Collections.Concurrent;
using System.Globalization;
using Runlens.Analysis.Diagnoses;
using Runlens.Analysis.Evaluation;
using Runlens.Import;
using Runlens.Import.Predictions;
using Runlens.Model;
using Runlens.Storage;

namespace Runlens.Mcp;

/// <summary>What the tools share: the store, how a run is named, and diagnoses kept while their run is unchanged.</summary>
internal sealed class McpRunContext(IRunlensStore store)
{
    private const int DiagnosesKept = 64;

    private readonly Diagnoser _diagnoser = new();

    /// <summary>Diagnoses by run id, valid while the run has the same number of points (a live run gains points) and the
    /// same uploaded predictions.</summary>
    private readonly ConcurrentDictionary<string, ((long Points, (string, int)? Validation, (string, int)? Training) Version, Diagnosis Diagnosis)> _diagnoses = new(StringComparer.Ordinal);

    public IRunlensStore Store { get; } = store;

    /// <summary>Runs whose diagnosis is kept.</summary>
    public int DiagnosesHeld => _diagnoses.Count;

    /// <summary>The active run with this id, else the only run with this exact name; a tool error otherwise.</summary>
    public async Task<RunRecord> ResolveAsync(string? idOrName, string argument, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(idOrName))
        {
            throw ToolError.Bad($"'{argument}' is required: a run id or run name (list_runs lists them)");
        }

        if (await Store.GetRecordAsync(idOrName, cancellationToken).ConfigureAwait(false) is { Lifecycle: "active" } byId)
        {
            return byId;
        }

        var named = (await Store.ListRunsAsync(new RunQuery(NameContains: idOrName, Limit: int.MaxValue), cancellationToken).ConfigureAwait(false))
            .Where(r => string.Equals(r.Name, idOrName, StringComparison.Ordinal)).ToList();
        return named.Count switch
        {
            1 => await Store.GetRecordAsync(named[0].Id, cancellationToken).ConfigureAwait(false)
                ?? throw ToolError.Bad($"{argument}: run '{idOrName}' was deleted meanwhile"),
            0 => throw ToolError.Bad($"{argument}: no run '{idOrName}' in the store (neither an id nor a run name); call list_runs to see the runs, or import_run to add one"),
            _ => throw ToolError.Bad($"{argument}: {named.Count} runs are named '{idOrName}' (ids {string.Join(", ", named.Take(5).Select(r => r.Id))}); pass the run id instead"),
        };
    }

    /// <summary>The run's full diagnosis (the same as <c>runlens analyze RUN --format json</c>), with the predictions
    /// uploaded for the run when it has some; computed once while the run and its predictions are unchanged.</summary>
    public async Task<Diagnosis> DiagnoseAsync(string runId, CancellationToken cancellationToken)
    {
        var points = (await Store.ListSeriesAsync(runId, cancellationToken).ConfigureAwait(false)).Sum(s => s.Count);
        var validation = await StoredPredictions.FindAsync(Store, runId, "validation", cancellationToken).ConfigureAwait(false);
        var training = await StoredPredictions.FindAsync(Store, runId, "training", cancellationToken).ConfigureAwait(false);
        var version = (points, Signature(validation), Signature(training));
        if (_diagnoses.TryGetValue(runId, out var kept) && kept.Version == version)
        {
            return kept.Diagnosis;
        }

        var run = await Store.GetRunAsync(runId, cancellationToken).ConfigureAwait(false)
            ?? throw ToolError.Bad(string.Create(CultureInfo.InvariantCulture, $"run '{runId}' was deleted meanwhile"));
        var diagnosis = _diagnoser.Diagnose(run, Predictions(validation, "validation"), Predictions(training, "training"));
        if (_diagnoses.Count >= DiagnosesKept)
        {
            _diagnoses.Clear();
        }

        _diagnoses[runId] = (version, diagnosis);
        return diagnosis;
    }

    private static (string Name, int Hash)? Signature((string Name, string Source, byte[] Bytes)? blob)
    {
        if (blob is not { } b)
        {
            return null;
        }

        var hash = new HashCode();
        hash.AddBytes(b.Bytes);
        return (b.Name, hash.ToHashCode());
    }

    private static PredictionContext? Predictions((string Name, string Source, byte[] Bytes)? blob, string role)
    {
        if (blob is not { } b)
        {
            return null;
        }

        try
        {
            var file = PredictionsReader.Read(b.Source, b.Bytes);
            return file.Tokens is { } tokens ? PredictionContext.Of(tokens, null, role) : PredictionContext.Of(file.Classification!, null, role);
        }
        catch (RunImportException ex)
        {
            throw ToolError.Bad(ex.Message);
        }
    }

    /// <summary>The full stored run (every point), or a tool error.</summary>
    public async Task<Run> RunAsync(string runId, CancellationToken cancellationToken) =>
        await Store.GetRunAsync(runId, cancellationToken).ConfigureAwait(false) ?? throw ToolError.Bad($"run '{runId}' was deleted meanwhile");
}

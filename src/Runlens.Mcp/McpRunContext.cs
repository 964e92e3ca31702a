using Runlens.Analysis.Diagnoses;
using Runlens.Import;
using Runlens.Pipeline.Diagnosing;
using Runlens.Pipeline.Resolution;
using Runlens.Pipeline.Settings;
using Runlens.Pipeline.Stores;
using Runlens.Storage;

namespace Runlens.Mcp;

/// <summary>What the tools share: the pipeline's stored runs and their diagnoses (kept while a run's version is the
/// same), with its answers turned into tool errors.</summary>
internal sealed class McpRunContext(StoredDiagnoses diagnoses)
{
    public static McpRunContext Of(IRunlensStore store, PipelineSettings? settings = null) =>
        new(StoredDiagnoses.Over(StoreAccess.Of(store), settings));

    public StoredDiagnoses Diagnoses { get; } = diagnoses;

    public StoreAccess Store => Diagnoses.Runs.Store;

    /// <summary>Runs whose diagnosis is kept.</summary>
    public int DiagnosesHeld => Diagnoses.Held;

    /// <summary>The run with this id, else the only run with this exact name; a tool error otherwise.</summary>
    public async Task<RunRecord> ResolveAsync(string? idOrName, string argument, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(idOrName))
        {
            throw ToolError.Bad($"'{argument}' is required: a run id or run name (list_runs lists them)");
        }

        var lookup = await Diagnoses.Runs.LookupAsync(idOrName, cancellationToken).ConfigureAwait(false);
        if (lookup.Id is null)
        {
            throw ToolError.Bad(lookup.Named.Count > 1
                ? $"{argument}: {lookup.Cause(idOrName)}; pass the run id instead"
                : $"{argument}: {lookup.Cause(idOrName)} in the store; call list_runs to see the runs, or import_run to add one");
        }

        return await Store.Live.GetRecordAsync(lookup.Id, cancellationToken).ConfigureAwait(false)
            ?? throw ToolError.Bad($"{argument}: run '{idOrName}' was deleted meanwhile");
    }

    /// <summary>The run's full diagnosis (the same as <c>runlens analyze RUN --format json</c>), with the predictions
    /// uploaded for the run when it has some.</summary>
    public async Task<Diagnosis> DiagnoseAsync(string runId, CancellationToken cancellationToken)
    {
        try
        {
            return await Diagnoses.DiagnoseAsync(runId, cancellationToken).ConfigureAwait(false)
                ?? throw ToolError.Bad($"run '{runId}' was deleted meanwhile");
        }
        catch (RunImportException ex)
        {
            throw ToolError.Bad(ex.Message);
        }
    }
}

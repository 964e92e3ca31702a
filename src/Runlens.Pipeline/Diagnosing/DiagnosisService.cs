using Runlens.Analysis.Diagnoses;
using Runlens.Pipeline.Resolution;
using Runlens.Pipeline.Settings;

namespace Runlens.Pipeline.Diagnosing;

/// <summary>Diagnoses resolved runs with the rule options every host loaded the same way (<see cref="SettingsLoader"/>).
/// Pure: the same run, predictions and options give the same diagnosis in every host.</summary>
public sealed class DiagnosisService
{
    private readonly Diagnoser _diagnoser;

    public DiagnosisService(PipelineSettings? settings = null)
    {
        Settings = settings ?? PipelineSettings.Default;
        _diagnoser = new Diagnoser(Settings.Rules);
    }

    public PipelineSettings Settings { get; }

    public Diagnosis Diagnose(ResolvedRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return _diagnoser.Diagnose(run.Run, run.Validation, run.Training);
    }

    /// <summary>Several runs, each on its own core, in the order given; one run on this thread (a command on one log does
    /// not start the parallel loop's machinery, its worker threads and its event source, at start-up).</summary>
    public IReadOnlyList<Diagnosis> DiagnoseAll(IReadOnlyList<ResolvedRun> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        if (runs.Count == 1)
        {
            return [Diagnose(runs[0])];
        }

        return DiagnoseInParallel(runs);
    }

    /// <summary>A method of its own: the method that names the parallel loop loads its assembly when it first runs, even
    /// on the one-run path.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private Diagnosis[] DiagnoseInParallel(IReadOnlyList<ResolvedRun> runs)
    {
        var diagnoses = new Diagnosis[runs.Count];
        Parallel.For(0, runs.Count, i => diagnoses[i] = Diagnose(runs[i]));
        return diagnoses;
    }

    /// <summary>The diagnoses with the audit of the runs' dataset added (<c>--data-dir</c>): its findings join each
    /// diagnosis and its status rises to the worst of them.</summary>
    /// <exception cref="Audit.AuditInputException">The folder cannot be audited (the message says why).</exception>
    public static async Task<IReadOnlyList<Diagnosis>> WithDataAuditAsync(IReadOnlyList<Diagnosis> diagnoses, string dataDir, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(diagnoses);
        var audit = await Audit.AuditRunner.RunAsync(dataDir, new Audit.AuditOptions(), null, cancellationToken).ConfigureAwait(false);
        return [.. diagnoses.Select(d => Audit.AuditFindings.Merge(d, audit))];
    }

    /// <summary><see cref="WithDataAuditAsync"/> for hosts that report a folder which cannot be audited as bad input: the
    /// diagnoses with the audit added, or the reason (no such folder, nothing to audit in it) and no diagnoses. The CLI's
    /// <c>--data-dir</c> and the MCP tool <c>diagnose_run</c>'s <c>data_dir</c> both come here, so they add the same
    /// findings to the same diagnosis.</summary>
    public static async Task<DataAuditOutcome> TryWithDataAuditAsync(IReadOnlyList<Diagnosis> diagnoses, string dataDir, CancellationToken cancellationToken = default)
    {
        try
        {
            return new DataAuditOutcome(await WithDataAuditAsync(diagnoses, dataDir, cancellationToken).ConfigureAwait(false), null);
        }
        catch (Audit.AuditInputException ex)
        {
            return new DataAuditOutcome(null, ex.Message);
        }
    }
}

/// <summary>What <see cref="DiagnosisService.TryWithDataAuditAsync"/> gives: the audited diagnoses, or why the folder could
/// not be audited.</summary>
public sealed record DataAuditOutcome(IReadOnlyList<Diagnosis>? Diagnoses, string? Error);

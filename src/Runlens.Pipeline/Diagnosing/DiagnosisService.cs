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
}

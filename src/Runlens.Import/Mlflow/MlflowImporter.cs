using System.Collections.Immutable;
using Runlens.Model;

namespace Runlens.Import.Mlflow;

/// <summary>
/// MLflow file stores: an <c>mlruns/</c> tree (or a folder holding one), one experiment folder, or one run folder (its
/// <c>meta.yaml</c> names the folder too). Every run is its own <see cref="Run"/>, nested runs keep their parent's id.
/// Deleted experiments (<c>mlruns/.trash/</c>) are skipped; runs marked deleted are read with a note saying so. A run whose
/// files cannot be used stays in the result as an empty run with an import-damage event, so one bad run never loses the
/// others; the import fails only when no run has anything usable.
/// </summary>
internal sealed class MlflowImporter : ITreeImporter
{
    public const string FormatId = "mlflow";

    public string Format => FormatId;

    public int Detect(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (File.Exists(path))
        {
            return Path.GetFileName(path) == MlflowMeta.FileName && Path.GetDirectoryName(Path.GetFullPath(path)) is { } dir
                && MlflowLayout.Resolve(dir) is { Kind: not MlflowLayoutKind.Tree } ? 80 : 0;
        }

        return MlflowLayout.Resolve(path) switch
        {
            null => 0,
            { Kind: MlflowLayoutKind.Tree } t => t.Path == path && Path.GetFileName(Path.TrimEndingDirectorySeparator(path)) == MlflowLayout.TreeName ? 95 : 85,
            { Kind: MlflowLayoutKind.Experiment } => 90,
            _ => 95,
        };
    }

    public async Task<ImportResult> ImportAsync(string path, ImportContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(context);
        var dir = File.Exists(path) && Path.GetFileName(path) == MlflowMeta.FileName ? Path.GetDirectoryName(Path.GetFullPath(path))! : path;
        if (!Directory.Exists(dir))
        {
            throw new RunImportException(path, null, "no such folder", "give an mlruns/ folder, an experiment folder or a run folder");
        }

        var layout = MlflowLayout.Resolve(dir) ?? throw new RunImportException(path, null, "no MLflow runs here",
            "expected an mlruns/ folder, an experiment folder (meta.yaml and run folders) or a run folder (meta.yaml, metrics/, params/, tags/)");

        var runs = ImmutableArray.CreateBuilder<Run>();
        var errors = new List<RunImportException>();
        switch (layout.Kind)
        {
            case MlflowLayoutKind.Run:
            {
                var experiment = ExperimentOfRun(layout.Path);
                var (run, fatal) = await MlflowRunReader.ReadAsync(layout.Path, experiment, [], FormatId, context, cancellationToken).ConfigureAwait(false);
                if (fatal is not null)
                {
                    throw fatal;
                }

                runs.Add(run);
                break;
            }

            case MlflowLayoutKind.Experiment:
                await ReadExperimentAsync(layout.Path, runs, errors, context, cancellationToken).ConfigureAwait(false);
                break;
            default:
                foreach (var experiment in MlflowLayout.ExperimentFolders(layout.Path, lenient: true))
                {
                    await ReadExperimentAsync(experiment, runs, errors, context, cancellationToken).ConfigureAwait(false);
                }

                break;
        }

        if (runs.Count == 0)
        {
            throw errors.FirstOrDefault() ?? new RunImportException(path, null, "no MLflow runs here",
                "the experiment folders hold no run folders (meta.yaml, metrics/, params/, tags/)");
        }

        if (errors.Count == runs.Count)
        {
            // every run was unusable: the import as a whole is
            throw errors[0];
        }

        return new ImportResult(runs.ToImmutable());
    }

    private static async Task ReadExperimentAsync(string dir, ImmutableArray<Run>.Builder runs, List<RunImportException> errors,
        ImportContext context, CancellationToken cancellationToken)
    {
        var events = new List<RunEvent>();
        var experiment = ExperimentName(dir, events);
        var read = new List<Run>();
        foreach (var runDir in MlflowLayout.RunFolders(dir, lenient: true))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (run, fatal) = await MlflowRunReader.ReadAsync(runDir, experiment, events, FormatId, context, cancellationToken).ConfigureAwait(false);
            if (fatal is not null)
            {
                errors.Add(fatal);
            }

            read.Add(run);
        }

        // runs in the order they started (unknown start times last), then by id
        read.Sort((a, b) =>
        {
            var sa = a.Identity.Time.Start ?? DateTimeOffset.MaxValue;
            var sb = b.Identity.Time.Start ?? DateTimeOffset.MaxValue;
            var c = sa.CompareTo(sb);
            return c != 0 ? c : string.CompareOrdinal(a.Identity.Id, b.Identity.Id);
        });
        runs.AddRange(read);
    }

    /// <summary>The name of the experiment holding the run folder <paramref name="runDir"/>, or null.</summary>
    internal static string? ExperimentOfRun(string runDir)
    {
        var parentDir = Path.GetDirectoryName(Path.GetFullPath(runDir).TrimEnd(Path.DirectorySeparatorChar));
        return parentDir is not null && MlflowLayout.IsExperimentFolder(parentDir) ? ExperimentName(parentDir, []) : null;
    }

    /// <summary>The experiment's name from its meta.yaml; a damaged file is reported on each of its runs.</summary>
    private static string? ExperimentName(string dir, List<RunEvent> events)
    {
        var file = Path.Combine(dir, MlflowMeta.FileName);
        if (!File.Exists(file))
        {
            return null;
        }

        try
        {
            return MlflowMeta.Read(file).Text("name");
        }
        catch (RunImportException ex)
        {
            events.Add(new RunEvent(RunEventKind.ImportDamage,
                "The experiment's meta.yaml cannot be used (" + ex.Cause.TrimEnd('.') + "); the experiment name is unknown.",
                File: ex.File, Location: ex.Location));
            return null;
        }
    }
}

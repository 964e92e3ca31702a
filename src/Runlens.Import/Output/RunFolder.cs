using Runlens.Model;

namespace Runlens.Import.Output;

/// <summary>
/// A folder written by <c>runlens run</c> (it holds <c>process.json</c>), read back as the run <c>runlens run</c>
/// diagnosed when the process ended: the trainer's log it found (named in process.json), the process's exit and the
/// failures its output showed, the machine's readings from <c>system.jsonl</c> (<see cref="ProcessRun"/>), and each
/// recovery action of <c>control.json</c> as a control event. <c>runlens run</c> builds its final run with this too, so
/// <c>runlens analyze DIR</c> reports the same crash with the same evidence.
/// </summary>
public static class RunFolder
{
    /// <summary>Whether <paramref name="path"/> is a folder <c>runlens run</c> wrote.</summary>
    public static bool Is(string path) => Directory.Exists(path) && File.Exists(Path.Combine(path, ProcessRecorder.ProcessFile));

    /// <exception cref="RunImportException">process.json cannot be read.</exception>
    public static async Task<RunFolderRead> ReadAsync(string folder, CancellationToken cancellationToken = default)
    {
        var (process, named) = ProcessFile.Read(folder);
        var log = named is not null && (File.Exists(named) || Directory.Exists(named)) ? named : TrainerLogs.Find([folder], process.Start);
        Run? trainer = null;
        string? problem = null;
        if (log is not null)
        {
            try
            {
                trainer = (await ImporterCatalog.ImportAsync(log, cancellationToken: cancellationToken).ConfigureAwait(false)).Runs.FirstOrDefault();
            }
            catch (RunImportException ex)
            {
                problem = "the trainer's log could not be read: " + ex.Message;
            }
        }

        var run = ProcessRun.Of(process, trainer, folder);
        var control = Path.Combine(folder, ControlDocument.FileName);
        if (File.Exists(control))
        {
            try
            {
                var doc = ControlDocument.Parse(await File.ReadAllTextAsync(control, cancellationToken).ConfigureAwait(false));
                run = run with { Events = [.. run.Events, .. doc.Actions.Select(ControlEvents.Of)] };
            }
            catch (FormatException ex)
            {
                problem ??= $"{control}: the recovery actions could not be read: {ex.Message}";
            }
        }

        return new RunFolderRead(run, process, trainer is null ? null : log, problem);
    }
}

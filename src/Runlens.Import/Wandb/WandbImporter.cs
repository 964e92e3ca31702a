using System.Collections.Immutable;
using Runlens.Model;

namespace Runlens.Import.Wandb;

/// <summary>
/// Weights &amp; Biases local run folders: a run folder (<c>run-YYYYMMDD_HHMMSS-&lt;id&gt;/</c>, <c>offline-run-…</c>),
/// a <c>wandb/</c> folder holding several (one run each; the <c>latest-run</c> link is skipped), a folder holding such a
/// <c>wandb/</c> folder, the <c>run-&lt;id&gt;.wandb</c> transaction log itself, or the <c>wandb-history.jsonl</c> of a run
/// written by a client older than 0.10.
/// </summary>
internal sealed class WandbImporter : ITreeImporter
{
    public const string FormatId = "wandb";

    public string Format => FormatId;

    public int Detect(string path)
    {
        if (File.Exists(path))
        {
            if (IsHistoryFile(path))
            {
                return 95;
            }

            if (!WandbRunFolder.IsLogFileName(path))
            {
                return StartsWithHeader(path) ? 90 : 0;
            }

            return StartsWithHeader(path) ? 100 : 60;
        }

        if (!Directory.Exists(path))
        {
            return 0;
        }

        if (WandbRunFolder.LooksLikeRunFolder(path))
        {
            return 95;
        }

        if (WandbRunFolder.RunFoldersIn(path).Count > 0)
        {
            return Path.GetFileName(Path.TrimEndingDirectorySeparator(path)) == "wandb" ? 95 : 85;
        }

        return WandbRunFolder.RunFoldersIn(Path.Combine(path, "wandb")).Count > 0 ? 85 : 0;
    }

    public async Task<ImportResult> ImportAsync(string path, ImportContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (File.Exists(path))
        {
            var located = IsHistoryFile(path)
                ? WandbRunFolder.FromFolder(Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".")
                : WandbRunFolder.FromLogFile(path);
            var run = await WandbRunReader.ReadAsync(located, FormatId, context, cancellationToken).ConfigureAwait(false);
            return ImportResult.Of(run);
        }

        if (!Directory.Exists(path))
        {
            throw new RunImportException(path, null, "no such file or folder", "check the path");
        }

        if (WandbRunFolder.LooksLikeRunFolder(path))
        {
            var run = await WandbRunReader.ReadAsync(WandbRunFolder.FromFolder(path), FormatId, context, cancellationToken).ConfigureAwait(false);
            return ImportResult.Of(run);
        }

        var folders = WandbRunFolder.RunFoldersIn(path);
        if (folders.Count == 0)
        {
            folders = WandbRunFolder.RunFoldersIn(Path.Combine(path, "wandb"));
        }

        if (folders.Count == 0)
        {
            throw new RunImportException(path, null, "no W&B run folder here",
                "expected run-<date>-<id>/ folders holding run-<id>.wandb or files/wandb-summary.json, or a wandb/ folder of them");
        }

        var runs = ImmutableArray.CreateBuilder<Run>(folders.Count);
        RunImportException? firstError = null;
        foreach (var folder in folders)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var located = WandbRunFolder.FromFolder(folder);
            try
            {
                runs.Add(await WandbRunReader.ReadAsync(located, FormatId, context, cancellationToken).ConfigureAwait(false));
            }
            catch (RunImportException ex)
            {
                // keep the other runs; this one stays visible as an empty run that says why
                firstError ??= ex;
                runs.Add(new Run
                {
                    Identity = new RunIdentity(located.IdFromName ?? RunIds.FromPath(folder), located.Name, null, new RunSource(FormatId, located.Path)),
                    Events = [new RunEvent(RunEventKind.ImportDamage, "This run could not be read: " + ex.Cause + ".", File: ex.File, Location: ex.Location)],
                });
            }
        }

        if (firstError is not null && runs.All(r => r.Series.IsEmpty && r.Config.Count == 0))
        {
            throw firstError;
        }

        return new ImportResult(runs.MoveToImmutable());
    }

    /// <summary>The history of a run written by a W&amp;B client before 0.10 (no transaction log).</summary>
    private static bool IsHistoryFile(string file) =>
        Path.GetFileName(file).Equals(WandbRunFolder.HistoryName, StringComparison.OrdinalIgnoreCase);

    private static bool StartsWithHeader(string file)
    {
        try
        {
            Span<byte> head = stackalloc byte[4];
            using var s = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
            return s.ReadAtLeast(head, 4, throwOnEndOfStream: false) == 4 && head.SequenceEqual(WandbLogFormat.Ident);
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}

using System.Collections.Immutable;
using Runlens.Model;

namespace Runlens.Import.TensorBoard;

/// <summary>
/// TensorBoard event files (<c>events.out.tfevents.*</c>, TFRecord-framed <c>tensorflow.Event</c> protobufs) as written by
/// tf.summary, Keras' TensorBoard callback, torch.utils.tensorboard, tensorboardX, PyTorch Lightning's TensorBoardLogger
/// and the HF Trainer: one event file, a run folder, a Keras run folder (<c>train/</c> + <c>validation/</c>) or a tree of
/// run folders. Scalars are read (<c>simple_value</c> and rank-0 float/double tensors of the scalars plugin); the
/// hparams plugin and Lightning's <c>hparams.yaml</c> become the config; histograms, images and graphs are skipped.
/// </summary>
internal sealed class TensorBoardImporter : ITreeImporter
{
    public const string FormatId = "tensorboard";

    public string Format => FormatId;

    public int Detect(string path)
    {
        if (File.Exists(path))
        {
            var header = HeaderState(path);
            if (TensorBoardLayout.IsEventFileName(path))
            {
                return header switch
                {
                    Header.Valid => 100,
                    Header.Empty => 90,
                    _ => 80,
                };
            }

            return header == Header.Valid ? 60 : 0;
        }

        if (!Directory.Exists(path))
        {
            return 0;
        }

        if (TensorBoardLayout.HoldsEventFiles(path) || TensorBoardLayout.HasSplitSubfolders(path))
        {
            return 95;
        }

        return TensorBoardLayout.HasEventFilesBelow(path) ? 80 : 0;
    }

    public async Task<ImportResult> ImportAsync(string path, ImportContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (File.Exists(path))
        {
            var run = await TensorBoardRunReader.ReadAsync(TensorBoardLayout.ForFile(path), FormatId, context, cancellationToken).ConfigureAwait(false);
            return ImportResult.Of(run);
        }

        if (!Directory.Exists(path))
        {
            throw new RunImportException(path, null, "no such file or folder", "check the path");
        }

        var runs = TensorBoardLayout.RunsIn(path);
        if (runs.Count == 0)
        {
            throw new RunImportException(path, null, "no TensorBoard event files here",
                "expected events.out.tfevents.* files in this folder or in folders below it");
        }

        if (runs.Count == 1)
        {
            return ImportResult.Of(await TensorBoardRunReader.ReadAsync(runs[0], FormatId, context, cancellationToken).ConfigureAwait(false));
        }

        var result = ImmutableArray.CreateBuilder<Run>(runs.Count);
        RunImportException? firstError = null;
        foreach (var files in runs)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                result.Add(await TensorBoardRunReader.ReadAsync(files, FormatId, context, cancellationToken).ConfigureAwait(false));
            }
            catch (RunImportException ex)
            {
                // keep the other runs; this one stays visible as an empty run that says why
                firstError ??= ex;
                result.Add(new Run
                {
                    Identity = new RunIdentity(RunIds.FromPath(files.Root), files.Name, null, new RunSource(FormatId, files.Root)),
                    Events = [new RunEvent(RunEventKind.ImportDamage, "This run could not be read: " + ex.Cause + ".", File: ex.File, Location: ex.Location)],
                });
            }
        }

        if (firstError is not null && result.All(r => r.Series.IsEmpty && r.Config.Count == 0))
        {
            throw firstError;
        }

        return new ImportResult(result.MoveToImmutable());
    }

    private enum Header
    {
        Valid,
        Empty,
        Invalid,
    }

    private static Header HeaderState(string file)
    {
        try
        {
            Span<byte> head = stackalloc byte[TfRecordFormat.HeaderLength];
            using var s = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
            var n = s.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            return n == 0 ? Header.Empty : n == head.Length && TfRecordFormat.IsRecordHeader(head) ? Header.Valid : Header.Invalid;
        }
        catch (IOException)
        {
            return Header.Invalid;
        }
        catch (UnauthorizedAccessException)
        {
            return Header.Invalid;
        }
    }
}

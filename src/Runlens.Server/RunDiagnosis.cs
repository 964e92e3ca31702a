using Runlens.Analysis.Diagnoses;
using Runlens.Analysis.Evaluation;
using Runlens.Import;
using Runlens.Import.Predictions;
using Runlens.Reports;
using Runlens.Server.Http;
using Runlens.Storage.Sql;

namespace Runlens.Server;

/// <summary>
/// A stored run's diagnosis, the same JSON `runlens analyze RUN --format json` prints, with uploaded predictions when
/// the run has them. Predictions are read by the same reader as the CLI's, from a temporary copy of the upload.
/// </summary>
internal sealed class RunDiagnosis(SqlRunStore store)
{
    private readonly Diagnoser _diagnoser = new();

    public async Task<byte[]?> JsonAsync(string runId, CancellationToken cancellationToken)
    {
        var run = await store.GetRunAsync(runId, cancellationToken).ConfigureAwait(false);
        if (run is null)
        {
            return null;
        }

        var validation = await PredictionsAsync(run.Identity.Id, "validation", cancellationToken).ConfigureAwait(false);
        var training = await PredictionsAsync(run.Identity.Id, "training", cancellationToken).ConfigureAwait(false);
        var diagnosis = _diagnoser.Diagnose(run, validation, training);
        using var output = new MemoryStream();
        Renderers.For("json").Render([diagnosis], output);
        return output.ToArray();
    }

    /// <summary>Reads an upload as the CLI would; a file it cannot read is a 400 that says where and why.</summary>
    public async Task<string> CheckPredictionsAsync(byte[] bytes, string format, CancellationToken cancellationToken)
    {
        try
        {
            var file = await ReadAsync(bytes, format, cancellationToken).ConfigureAwait(false);
            return file.Tokens is { } t ? $"token classification, {t.Sentences.Length} sentences" : $"classification, {file.Classification!.Count} examples, {file.Classification.Classes.Length} classes";
        }
        catch (RunImportException ex)
        {
            throw ApiException.Invalid("predictions: " + ex.Message.Replace(Path.GetTempPath(), "", StringComparison.Ordinal));
        }
    }

    private async Task<PredictionContext?> PredictionsAsync(string runId, string role, CancellationToken cancellationToken)
    {
        foreach (var format in (string[])["jsonl", "csv"])
        {
            if (await store.GetBlobAsync(runId, "predictions", role + "." + format, cancellationToken).ConfigureAwait(false) is { } bytes)
            {
                var file = await ReadAsync(bytes, format, cancellationToken).ConfigureAwait(false);
                return file.Tokens is { } tokens ? PredictionContext.Of(tokens, null, role) : PredictionContext.Of(file.Classification!, null, role);
            }
        }

        return null;
    }

    private static async Task<PredictionsFile> ReadAsync(byte[] bytes, string format, CancellationToken cancellationToken)
    {
        var path = Path.Combine(Path.GetTempPath(), $"runlens-predictions-{Guid.NewGuid():N}.{format}");
        try
        {
            await File.WriteAllBytesAsync(path, bytes, cancellationToken).ConfigureAwait(false);
            return await PredictionsReader.ReadAsync(path, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(path);
        }
    }
}

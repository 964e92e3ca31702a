using Runlens.Analysis.Evaluation;
using Runlens.Import;
using Runlens.Import.Predictions;
using Runlens.Storage;

namespace Runlens.Pipeline.Predictions;

/// <summary>
/// Predictions as the rules read them (<see cref="PredictionContext"/>), from a file given on the command line or from an
/// upload stored with the run (<see cref="StoredPredictions"/>): one reader and one conversion for every host.
/// </summary>
public static class PredictionInputs
{
    /// <summary>A predictions file (per-example or token classification) read into the context the rules read.</summary>
    /// <exception cref="RunImportException">The file cannot be read (it names the file, the line and the cause).</exception>
    public static async Task<PredictionContext> ReadFileAsync(string file, SliceSpec? slices, string role, CancellationToken cancellationToken = default) =>
        ToContext(await PredictionsReader.ReadAsync(file, cancellationToken).ConfigureAwait(false), slices, role);

    /// <summary>An upload as <see cref="StoredPredictions.FindAsync"/> returns it, read.</summary>
    public static PredictionContext FromUpload((string Name, string Source, byte[] Bytes) blob, SliceSpec? slices, string role) =>
        ToContext(PredictionsReader.Read(blob.Source, blob.Bytes), slices, role);

    /// <summary>Reads an upload before it is stored, as it will be read when the run is diagnosed; a one-line summary of
    /// what it holds.</summary>
    /// <exception cref="RunImportException">It cannot be read: the message says where and why.</exception>
    public static string Check(byte[] bytes, string role, string format)
    {
        var file = PredictionsReader.Read($"{role}.{format}", bytes);
        return file.Tokens is { } t
            ? $"token classification, {t.Sentences.Length} sentences"
            : $"classification, {file.Classification!.Count} examples, {file.Classification.Classes.Length} classes";
    }

    private static PredictionContext ToContext(PredictionsFile read, SliceSpec? slices, string role) =>
        read.Tokens is { } tokens ? PredictionContext.Of(tokens, slices, role) : PredictionContext.Of(read.Classification!, slices, role);
}

using Runlens.Import.Core;
using Runlens.Model;

namespace Runlens.Import.Tabular;

/// <summary>
/// A plain CSV metric log under any file name: a header, then one row per logged step. The step comes from the first of
/// <c>step</c>, <c>global_step</c>, <c>iteration</c>, <c>iter</c>, <c>_step</c>, else <c>epoch</c> (unless a batch counter
/// shows one row per batch), else the row index; bookkeeping columns (<see cref="Core.Bookkeeping"/>) give no series,
/// every other numeric column is a series (bare names are training values), text columns are ignored with a note.
/// Detected below the specific formats (Lightning, Keras), so those win; per-example prediction files are left alone. A
/// folder holding such a file is read through <see cref="Core.FolderImporter"/>.
/// </summary>
internal sealed class CsvMetricsImporter : IRunImporter
{
    public const string FormatId = "csv";

    internal static MetricTableOptions Options { get; } = new(Bookkeeping.StepNames, "train", "a metric CSV (a header, then one row per logged step)");

    public string Format => FormatId;

    public int Detect(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path) || !TabularSniff.HasExtension(path, ".csv", ".tsv"))
        {
            return 0;
        }

        if (TabularSniff.CsvHeader(path) is not { Count: >= 1 } header)
        {
            return 5; // empty or unreadable: nobody else wants it, and importing it gives the precise error
        }

        if (LooksLikePredictions(header))
        {
            return 0;
        }

        var step = Bookkeeping.StepNames.Any(s => TabularSniff.Has(header, s));
        var epoch = TabularSniff.Has(header, "epoch");
        var metricNamed = header.Any(LooksLikeMetric);
        if ((step || epoch) && header.Count >= 2)
        {
            return step ? 40 : 35;
        }

        return metricNamed ? 20 : 0;
    }

    public async Task<ImportResult> ImportAsync(string path, ImportContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(context);
        if (!File.Exists(path))
        {
            throw new RunImportException(path, null, Directory.Exists(path) ? "a folder, not a CSV file" : "no such file",
                "point at the metric CSV file");
        }

        var table = await MetricTableReader.ReadAsync(path, Options, context, cancellationToken).ConfigureAwait(false);
        return ImportResult.Of(RunOf(path, table));
    }

    /// <summary>The run of the metric CSV at <paramref name="path"/> (a tailed log's snapshot is made by it too).</summary>
    internal static Run RunOf(string path, MetricTable table) => table.FileRun(path, FormatId);

    /// <summary>A name a metric log would use: loss, accuracy, lr, f1, …</summary>
    public static bool LooksLikeMetric(string name)
    {
        var n = name.ToLowerInvariant();
        return n.Contains("loss", StringComparison.Ordinal) || n.Contains("acc", StringComparison.Ordinal)
            || n.Contains("f1", StringComparison.Ordinal) || n.Contains("learning_rate", StringComparison.Ordinal)
            || n is "lr" || n.Contains("perplexity", StringComparison.Ordinal) || n.Contains("grad_norm", StringComparison.Ordinal);
    }

    /// <summary>Per-example prediction files (<c>label</c> with <c>predicted</c>/<c>prediction</c>/<c>prob_*</c>) are
    /// evaluation input, not metric logs.</summary>
    public static bool LooksLikePredictions(IReadOnlyList<string> header)
    {
        var label = header.Any(h => h.Contains("label", StringComparison.OrdinalIgnoreCase) || h.Contains("ground_truth", StringComparison.OrdinalIgnoreCase));
        var predicted = header.Any(h => h.Contains("predict", StringComparison.OrdinalIgnoreCase) || h.StartsWith("prob", StringComparison.OrdinalIgnoreCase));
        return (label && predicted) || TabularSniff.Has(header, "example_id") || TabularSniff.Has(header, "sentence_id");
    }
}

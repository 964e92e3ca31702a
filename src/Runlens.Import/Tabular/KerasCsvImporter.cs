using Runlens.Import.Core;
using Runlens.Model;

namespace Runlens.Import.Tabular;

/// <summary>
/// Keras <c>CSVLogger</c> output (<c>training.log</c> by default, any name in practice): a header starting with <c>epoch</c>,
/// then one row per epoch. The step is the epoch index as written; <c>val_</c> columns are validation values, bare names
/// training values (<c>loss</c> → <c>train/loss</c>), <c>lr</c>/<c>learning_rate</c> → <c>train/learning_rate</c>.
/// A folder holding such a file is read too.
/// </summary>
internal sealed class KerasCsvImporter : IRunImporter
{
    public const string FormatId = "keras-csv";
    public const string DefaultFileName = "training.log";
    private const int MaxFilesLooked = 64;

    internal static MetricTableOptions Options { get; } = new([], "train", "a Keras CSVLogger log (epoch,loss,...,val_loss)");

    public string Format => FormatId;

    public int Detect(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (File.Exists(path))
        {
            if (!IsCandidateName(path) || !HasKerasHeader(path))
            {
                return 0;
            }

            return Path.GetFileName(path).Equals(DefaultFileName, StringComparison.OrdinalIgnoreCase) ? 90 : 80;
        }

        return Directory.Exists(path) && FindIn(path) is not null ? 80 : 0;
    }

    public async Task<ImportResult> ImportAsync(string path, ImportContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(context);
        string file;
        if (File.Exists(path))
        {
            file = path;
        }
        else if (Directory.Exists(path))
        {
            file = FindIn(path) ?? throw new RunImportException(path, null, "no Keras CSVLogger file here",
                "expected training.log or a .csv/.log file whose header starts with epoch and names loss or val_ columns");
        }
        else
        {
            throw new RunImportException(path, null, "no such file or folder", "check the path");
        }

        var table = await MetricTableReader.ReadAsync(file, Options, context, cancellationToken).ConfigureAwait(false);
        return ImportResult.Of(RunOf(path, file, table));
    }

    /// <summary>The run of the Keras log <paramref name="file"/> found at <paramref name="path"/> (a tailed log's snapshot
    /// is made by it too).</summary>
    internal static Run RunOf(string path, string file, MetricTable table)
    {
        var name = RunNaming.ForFile(file);
        return new Run
        {
            Identity = new RunIdentity(RunIds.FromPath(file), string.IsNullOrEmpty(name) ? file : name, null, new RunSource(FormatId, path)),
            Series = table.Series,
            Trainer = new TrainerState { GlobalStep = table.MaxStep },
            Events = table.Events,
        };
    }

    /// <summary>A header whose first column is <c>epoch</c>, with no <c>step</c> column (that is Lightning's), naming
    /// <c>loss</c>, <c>acc</c>/<c>accuracy</c> or a <c>val_</c> column.</summary>
    public static bool HasKerasHeader(string file)
    {
        if (TabularSniff.CsvHeader(file) is not { Count: >= 2 } header)
        {
            return false;
        }

        return header[0].Equals("epoch", StringComparison.OrdinalIgnoreCase)
            && !TabularSniff.Has(header, "step")
            && header.Skip(1).Any(h => h is "loss" or "acc" or "accuracy" || h.StartsWith("val_", StringComparison.Ordinal));
    }

    private static bool IsCandidateName(string file) => TabularSniff.HasExtension(file, ".log", ".csv", ".txt", ".tsv");

    private static string? FindIn(string folder)
    {
        var own = Path.Combine(folder, DefaultFileName);
        if (File.Exists(own) && HasKerasHeader(own))
        {
            return own;
        }

        try
        {
            return Directory.EnumerateFiles(folder)
                .Where(f => TabularSniff.HasExtension(f, ".log", ".csv"))
                .Order(StringComparer.Ordinal)
                .Take(MaxFilesLooked)
                .FirstOrDefault(HasKerasHeader);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}

using System.Collections.Immutable;
using System.Globalization;
using Runlens.Model;

namespace Runlens.Import.Tabular;

/// <summary>
/// PyTorch Lightning <c>CSVLogger</c> output: a <c>metrics.csv</c>, a version folder holding one (and usually
/// <c>hparams.yaml</c>), or a logger folder (<c>lightning_logs/</c>) of <c>version_N</c> folders, one run each. Rows are
/// sparse: training and validation values of one step come on separate rows. <c>step</c> gives the step, <c>epoch</c> the
/// epoch of each point; every other column is a metric, normalised by <see cref="MetricNames"/> with its original name kept.
/// </summary>
internal sealed class LightningCsvImporter : ITreeImporter
{
    public const string FormatId = "lightning-csv";
    public const string MetricsFileName = "metrics.csv";
    public const string HparamsFileName = "hparams.yaml";
    private const int MaxSubfolders = 1024;
    private const int MaxLoggerFolders = 64;

    internal static MetricTableOptions Options { get; } = new(["step"], "train", "a Lightning CSVLogger metrics.csv");

    public string Format => FormatId;

    public int Detect(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (File.Exists(path))
        {
            if (!Path.GetFileName(path).Equals(MetricsFileName, StringComparison.OrdinalIgnoreCase))
            {
                return 0;
            }

            // an empty or headerless metrics.csv is still Lightning's, so importing it gives the precise error
            return TabularSniff.CsvHeader(path) is { } header ? (TabularSniff.Has(header, "step") ? 95 : 0) : 10;
        }

        if (!Directory.Exists(path))
        {
            return 0;
        }

        if (IsVersionFolder(path))
        {
            return 90;
        }

        var versions = VersionFolders(path);
        if (versions.Count == 0)
        {
            return 0;
        }

        return versions.All(v => Path.GetDirectoryName(v) == Path.TrimEndingDirectorySeparator(Path.GetFullPath(path))) ? 85 : 80;
    }

    public async Task<ImportResult> ImportAsync(string path, ImportContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(context);
        if (File.Exists(path))
        {
            var folder = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
            return ImportResult.Of(await ReadRunAsync(path, folder, path, context, cancellationToken).ConfigureAwait(false));
        }

        if (!Directory.Exists(path))
        {
            throw new RunImportException(path, null, "no such file or folder", "check the path");
        }

        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        var own = Path.Combine(full, MetricsFileName);
        if (File.Exists(own))
        {
            return ImportResult.Of(await ReadRunAsync(own, full, path, context, cancellationToken).ConfigureAwait(false));
        }

        var versions = VersionFolders(full);
        if (versions.Count == 0)
        {
            throw new RunImportException(path, null, "no metrics.csv here or in a version folder below",
                "point at a Lightning CSVLogger version folder (metrics.csv, hparams.yaml), its metrics.csv, or the logger folder holding version_N folders");
        }

        var runs = ImmutableArray.CreateBuilder<Run>(versions.Count);
        RunImportException? firstError = null;
        foreach (var version in versions)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                runs.Add(await ReadRunAsync(Path.Combine(version, MetricsFileName), version, version, context, cancellationToken).ConfigureAwait(false));
            }
            catch (RunImportException ex)
            {
                // keep the other versions; this one stays visible as an empty run that says why
                firstError ??= ex;
                runs.Add(new Run
                {
                    Identity = Identity(version, version),
                    Events = [new RunEvent(RunEventKind.ImportDamage, "This run could not be read: " + ex.Cause + ".", File: ex.File, Location: ex.Location)],
                });
            }
        }

        if (firstError is not null && runs.All(r => r.Series.IsEmpty))
        {
            throw firstError;
        }

        return new ImportResult(runs.MoveToImmutable());
    }

    private static async Task<Run> ReadRunAsync(string metricsFile, string folder, string sourcePath, ImportContext context, CancellationToken ct)
    {
        var table = await MetricTableReader.ReadAsync(metricsFile, Options, context, ct).ConfigureAwait(false);
        return RunOf(folder, sourcePath, table);
    }

    /// <summary>The run of a version folder whose metrics.csv gave <paramref name="table"/>, with its hparams.yaml (a
    /// tailed metrics.csv's snapshot is made by it too).</summary>
    internal static Run RunOf(string folder, string sourcePath, MetricTable table)
    {
        var events = new List<RunEvent>(table.Events);
        var config = RunConfig.Empty;
        var hparams = Path.Combine(folder, HparamsFileName);
        if (File.Exists(hparams))
        {
            var (read, damage) = HparamsYaml.Read(hparams);
            config = read;
            if (damage is not null)
            {
                events.Add(damage);
            }
        }

        return new Run
        {
            Identity = Identity(folder, sourcePath),
            Config = config,
            Series = table.Series,
            Trainer = new TrainerState { GlobalStep = table.MaxStep },
            Events = [.. events],
        };
    }

    private static RunIdentity Identity(string folder, string sourcePath)
    {
        var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(folder));
        var parent = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)));
        var experiment = VersionNumber(name) is not null && parent is not null ? Path.GetFileName(parent) : null;
        return new RunIdentity(RunIds.FromPath(folder), string.IsNullOrEmpty(name) ? folder : name,
            string.IsNullOrEmpty(experiment) ? null : experiment, new RunSource(FormatId, sourcePath));
    }

    /// <summary>A folder holding metrics.csv and no TensorBoard event file (that would be Lightning's TensorBoardLogger).</summary>
    private static bool IsVersionFolder(string folder) =>
        File.Exists(Path.Combine(folder, MetricsFileName))
        && !Directory.EnumerateFiles(folder, "events.out.tfevents*").Any();

    /// <summary>Version folders directly below <paramref name="folder"/>, else one level further down (a save_dir holding
    /// <c>name/version_N</c>); ordered by version number, then name.</summary>
    private static List<string> VersionFolders(string folder)
    {
        var found = Below(folder);
        if (found.Count == 0)
        {
            // a save_dir holds a few logger folders: look into the first MaxLoggerFolders only, so detection stays cheap
            foreach (var sub in Directory.EnumerateDirectories(folder).Take(MaxLoggerFolders))
            {
                found.AddRange(Below(sub));
            }
        }

        return [.. found.OrderBy(f => Path.GetDirectoryName(f), StringComparer.Ordinal)
            .ThenBy(f => VersionNumber(Path.GetFileName(f)) ?? long.MaxValue)
            .ThenBy(f => f, StringComparer.Ordinal)];
    }

    private static List<string> Below(string folder)
    {
        try
        {
            return Directory.EnumerateDirectories(folder).Take(MaxSubfolders).Where(IsVersionFolder).ToList();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    private static long? VersionNumber(string name)
    {
        const string prefix = "version_";
        return name.StartsWith(prefix, StringComparison.Ordinal)
            && long.TryParse(name.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n
            : null;
    }
}

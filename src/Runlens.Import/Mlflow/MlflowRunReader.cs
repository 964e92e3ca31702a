using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Runlens.Import.Core;
using Runlens.Model;

namespace Runlens.Import.Mlflow;

/// <summary>
/// Reads one MLflow run folder: <c>meta.yaml</c> (id, name, status, times, lifecycle stage), <c>params/</c> (one file per
/// parameter, the value as text), <c>tags/</c> (one file per tag) and <c>metrics/</c> (one file per metric). Keys with
/// <c>/</c> are stored in sub-folders (<c>metrics/train/loss</c> is <c>train/loss</c>). Parameters become config keys by
/// <see cref="ConfigFlattener.FlattenText"/> (a <c>/</c> in a name is nesting, as Lightning's MLflow logger joins it; a
/// list or dict written as text is read as one); tags become <c>tags.&lt;key&gt;</c> except <c>mlflow.runName</c> (the run's name), <c>mlflow.parentRunId</c>
/// (its parent) and <c>mlflow.log-model.history</c> (bookkeeping of saved models, not a setting).
/// </summary>
internal sealed class MlflowRunReader
{
    public const string RunNameTag = "mlflow.runName";
    public const string ParentTag = "mlflow.parentRunId";
    public const string AutologTag = "mlflow.autologging";
    private const string ModelHistoryTag = "mlflow.log-model.history";
    private const int MaxValueBytes = 64 * 1024;
    private const int MaxText = 4_096;

    private static readonly EnumerationOptions Recursive = new()
    {
        RecurseSubdirectories = true,
        MaxRecursionDepth = 32,
        IgnoreInaccessible = true,
        AttributesToSkip = FileAttributes.ReparsePoint,
    };

    private readonly string _dir;
    private readonly string _format;
    private readonly List<RunEvent> _events = [];

    private MlflowRunReader(string dir, string format)
    {
        _dir = dir;
        _format = format;
    }

    /// <summary>Reads the run at <paramref name="dir"/>. <c>Fatal</c> is set when nothing usable was found and
    /// <c>meta.yaml</c> was unreadable: the caller decides whether that loses the import or just this run.</summary>
    public static Task<(Run Run, RunImportException? Fatal)> ReadAsync(
        string dir, string? experiment, IReadOnlyList<RunEvent> inherited, string format, ImportContext context, CancellationToken cancellationToken)
    {
        var reader = new MlflowRunReader(Path.GetFullPath(dir).TrimEnd(Path.DirectorySeparatorChar), format);
        reader._events.AddRange(inherited);
        return Task.FromResult(reader.Read(experiment, (run, autolog) => run.ReadMetrics(autolog, context, cancellationToken), cancellationToken));
    }

    /// <summary>The run at <paramref name="dir"/> as <see cref="ReadAsync"/> reads it, with its metrics from
    /// <paramref name="metrics"/> (a tailed run's metric files, read as they grow): given the reader (for
    /// <see cref="MetricFiles"/>, <see cref="MetricRead"/>, <see cref="Normalizer"/>) and whether the run was autologged, it
    /// gives the series and the largest step.</summary>
    internal static (Run Run, RunImportException? Fatal) Assemble(string dir, string? experiment, string format,
        Func<MlflowRunReader, bool, (ImmutableSortedDictionary<string, Series> Series, long? MaxStep)> metrics, CancellationToken cancellationToken) =>
        new MlflowRunReader(Path.GetFullPath(dir).TrimEnd(Path.DirectorySeparatorChar), format).Read(experiment, metrics, cancellationToken);

    private (Run, RunImportException?) Read(string? experiment,
        Func<MlflowRunReader, bool, (ImmutableSortedDictionary<string, Series> Series, long? MaxStep)> metrics, CancellationToken cancellationToken)
    {
        var metaFile = Path.Combine(_dir, MlflowMeta.FileName);
        MlflowMeta? meta = null;
        RunImportException? metaError = null;
        try
        {
            meta = File.Exists(metaFile)
                ? MlflowMeta.Read(metaFile)
                : throw new RunImportException(metaFile, null, "missing", "MLflow writes the run's id, status and times there");
        }
        catch (RunImportException ex)
        {
            metaError = ex;
            _events.Add(new RunEvent(RunEventKind.ImportDamage,
                "The run's meta.yaml cannot be used (" + ex.Cause.TrimEnd('.') + "); its id comes from the folder name and its status and times are unknown.",
                File: ex.File, Location: ex.Location));
        }

        var tags = ReadValues("tags", cancellationToken);
        var parameters = ReadValues("params", cancellationToken);

        var config = new Dictionary<string, ConfigValue>(StringComparer.Ordinal);
        foreach (var (key, text) in parameters)
        {
            // one policy for every format's hyperparameters: "/" joins nesting, lists and dicts written as text are read
            ConfigFlattener.FlattenText(key, text, config);
        }

        foreach (var (key, text) in tags)
        {
            if (key is not (RunNameTag or ParentTag or ModelHistoryTag))
            {
                config["tags." + key] = ConfigScalars.FromText(text);
            }
        }

        var (series, maxStep) = metrics(this, tags.ContainsKey(AutologTag));

        var folderName = Path.GetFileName(_dir);
        var id = meta?.Text("run_id") ?? meta?.Text("run_uuid") ?? folderName;
        var name = NonEmpty(tags.GetValueOrDefault(RunNameTag)) ?? meta?.Text("run_name") ?? meta?.Text("name") ?? id;
        var parent = NonEmpty(tags.GetValueOrDefault(ParentTag)?.Trim());
        var status = meta is null ? RunStatus.Unknown : Status(meta);
        var start = meta is null ? null : Time(meta, "start_time");
        var end = meta is null ? null : Time(meta, "end_time");
        if (meta?.Text("lifecycle_stage") is "deleted")
        {
            _events.Add(new RunEvent(RunEventKind.Note,
                "MLflow marks this run deleted (lifecycle_stage: deleted); it stays in the file store until garbage collection.", File: meta.File));
        }

        var identity = new RunIdentity(id, name, experiment, new RunSource(_format, _dir), parent)
        {
            Time = new StartEnd(start, end),
        };

        var run = new Run
        {
            Identity = identity,
            Config = RunConfig.From(config),
            Series = series,
            Status = status,
            Trainer = maxStep is { } s ? new TrainerState { GlobalStep = s } : TrainerState.Empty,
            Events = [.. _events],
        };

        var usable = meta is not null || !series.IsEmpty || config.Count > 0 || parent is not null;
        return (run, usable ? null : metaError);
    }

    private (ImmutableSortedDictionary<string, Series> Series, long? MaxStep) ReadMetrics(bool autolog, ImportContext context, CancellationToken cancellationToken)
    {
        var files = MetricFiles();
        var collector = new SeriesCollector(Normalizer(autolog, files.Select(f => f.Key)));
        long? maxStep = null;
        foreach (var (key, file) in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            MlflowMetricReader metric;
            try
            {
                metric = MlflowMetricReader.Read(file, key, collector, context, cancellationToken);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                MetricUnreadable(key, file, ex.Message);
                continue;
            }
            catch (RunImportException ex)
            {
                MetricUnreadable(key, file, ex.Cause);
                continue;
            }

            maxStep = MetricRead(key, file, metric, maxStep);
        }

        return (collector.Build(), maxStep);
    }

    /// <summary>How metric names become keys: bare names (Keras autolog's "loss", "accuracy") are training values when the
    /// run is a training run: autologged, or logging a bare loss or validation metrics beside them. Evaluation-only runs
    /// keep their names as logged.</summary>
    internal static Func<string, string> Normalizer(bool autolog, IEnumerable<string> metricKeys)
    {
        var bareIsTrain = autolog || metricKeys.Any(k => k.Equals("loss", StringComparison.OrdinalIgnoreCase)
            || MetricNames.SplitOf(MetricNames.Normalize(k, bareSplit: null)) == "val");
        return n => MetricNames.Normalize(n, bareIsTrain ? "train" : null);
    }

    /// <summary>The metric files of the run folder <paramref name="dir"/>, as (key, path) sorted by key (none when the
    /// folder cannot be listed).</summary>
    internal static List<(string Key, string File)> MetricFilesOf(string dir) => new MlflowRunReader(dir, "").MetricFiles();

    /// <summary>The run's metric files, as (key, path) sorted by key.</summary>
    internal List<(string Key, string File)> MetricFiles() => Files("metrics");

    /// <summary>A metric file that could not be read: an event says why.</summary>
    internal void MetricUnreadable(string key, string file, string cause) =>
        _events.Add(new RunEvent(RunEventKind.ImportDamage, $"Metric '{key}' cannot be read: {cause}", File: file));

    /// <summary>The events of a metric read (damaged lines, a cut last line, no points); the largest step so far.</summary>
    internal long? MetricRead(string key, string file, MlflowMetricReader metric, long? maxStep)
    {
        if (metric.BadLines > 0)
        {
            var lines = metric.BadLines == 1 ? "1 line" : string.Create(CultureInfo.InvariantCulture, $"{metric.BadLines} lines");
            _events.Add(new RunEvent(RunEventKind.ImportDamage,
                string.Create(CultureInfo.InvariantCulture,
                    $"{lines} of metric '{key}' could not be read and {(metric.BadLines == 1 ? "was" : "were")} skipped (first at line {metric.FirstBadLine}: {metric.FirstBadCause}); {metric.Points} points kept."),
                File: file, Location: MlflowMeta.Line((int)Math.Min(int.MaxValue, metric.FirstBadLine))));
        }

        if (metric.UnterminatedLine is { } cut)
        {
            _events.Add(new RunEvent(RunEventKind.ImportDamage,
                $"The last line of metric '{key}' has no line end: the file was cut while MLflow wrote it; that point was kept but may be incomplete.",
                File: file, Location: MlflowMeta.Line((int)Math.Min(int.MaxValue, cut))));
        }

        if (metric.Points == 0 && metric.BadLines == 0)
        {
            _events.Add(new RunEvent(RunEventKind.Note, $"Metric '{key}' has no points (its file is empty).", File: file));
        }

        return metric.Points > 0 && (maxStep is null || metric.MaxStep > maxStep) ? metric.MaxStep : maxStep;
    }

    /// <summary>MLflow's RunStatus codes: 1 RUNNING, 2 SCHEDULED, 3 FINISHED, 4 FAILED, 5 KILLED (older files may hold the name).</summary>
    private RunStatus Status(MlflowMeta meta)
    {
        var text = meta.Text("status");
        if (text is null)
        {
            return RunStatus.Unknown;
        }

        var code = text.Trim().ToUpperInvariant() switch
        {
            "1" or "RUNNING" => 1,
            "2" or "SCHEDULED" => 2,
            "3" or "FINISHED" => 3,
            "4" or "FAILED" => 4,
            "5" or "KILLED" => 5,
            _ => 0,
        };
        switch (code)
        {
            case 1:
                _events.Add(new RunEvent(RunEventKind.Note,
                    "MLflow still marks the run RUNNING: it is in progress, or its process ended without ending the run.", File: meta.File));
                return RunStatus.Running;
            case 2:
                _events.Add(new RunEvent(RunEventKind.Note, "MLflow marks the run SCHEDULED: it had not started.", File: meta.File));
                return RunStatus.Unknown;
            case 3:
                return RunStatus.Finished;
            case 4:
                _events.Add(new RunEvent(RunEventKind.Error, "MLflow marks the run FAILED: it ended with an error.", File: meta.File));
                return RunStatus.Failed;
            case 5:
                _events.Add(new RunEvent(RunEventKind.Error, "MLflow marks the run KILLED: it was stopped before it finished.", File: meta.File));
                return RunStatus.Killed;
            default:
                _events.Add(new RunEvent(RunEventKind.ImportDamage,
                    $"Unknown MLflow run status '{Short(text)}' (expected 1-5: RUNNING, SCHEDULED, FINISHED, FAILED, KILLED); the status is unknown.",
                    File: meta.File, Location: MlflowMeta.Line(meta.LineOf("status"))));
                return RunStatus.Unknown;
        }
    }

    private DateTimeOffset? Time(MlflowMeta meta, string key)
    {
        long? ms;
        try
        {
            ms = meta.Integer(key);
        }
        catch (RunImportException ex)
        {
            _events.Add(new RunEvent(RunEventKind.ImportDamage, ex.Cause + "; the time is unknown.", File: ex.File, Location: ex.Location));
            return null;
        }

        // DateTimeOffset's range: year 1 to 9999
        return ms is { } v && v >= -62_135_596_800_000 && v <= 253_402_300_799_999 ? DateTimeOffset.FromUnixTimeMilliseconds(v) : null;
    }

    /// <summary>The files under <c>params/</c> or <c>tags/</c>, key → text (values over 4 KiB are cut).</summary>
    private Dictionary<string, string> ReadValues(string folder, CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, file) in Files(folder))
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                values[key] = ReadText(file);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                _events.Add(new RunEvent(RunEventKind.ImportDamage, $"{(folder == "tags" ? "Tag" : "Parameter")} '{key}' cannot be read: {ex.Message}", File: file));
            }
        }

        return values;
    }

    /// <summary>Files under a folder of the run, as (key, path) sorted by key; sub-folders give keys with <c>/</c>.</summary>
    private List<(string Key, string File)> Files(string folder)
    {
        var root = Path.Combine(_dir, folder);
        var result = new List<(string, string)>();
        if (!Directory.Exists(root))
        {
            return result;
        }

        try
        {
            foreach (var file in Directory.EnumerateFiles(root, "*", Recursive))
            {
                var key = Path.GetRelativePath(root, file).Replace(Path.DirectorySeparatorChar, '/');
                result.Add((key, file));
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _events.Add(new RunEvent(RunEventKind.ImportDamage, $"The {folder}/ folder cannot be listed: {ex.Message}", File: root));
        }

        result.Sort((a, b) => string.CompareOrdinal(a.Item1, b.Item1));
        return result;
    }

    private static string ReadText(string file)
    {
        using var s = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
        var buffer = new byte[(int)Math.Min(MaxValueBytes, Math.Max(0, s.Length))];
        var n = s.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        var text = Encoding.UTF8.GetString(buffer, 0, n);
        return text.Length > MaxText ? text[..MaxText] + "…" : text;
    }

    private static string? NonEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;

    private static string Short(string text) => text.Length > 40 ? text[..40] + "…" : text;
}

using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json.Nodes;
using Google.Protobuf.WellKnownTypes;
using Runlens.Import.Core;
using Runlens.Import.Tabular;
using Runlens.Import.Wandb.Proto;
using Runlens.Model;

namespace Runlens.Import.Wandb;

/// <summary>
/// Reads one W&amp;B run: the transaction log (history rows, summary, config, run and exit records), then
/// <c>config.yaml</c>, <c>wandb-summary.json</c> and <c>wandb-metadata.json</c>. A run written before the transaction log
/// existed has its history in <c>wandb-history.jsonl</c> (read by <see cref="JsonlMetricReader"/>: the trainer's step when
/// logged, else <c>_step</c>; <c>_timestamp</c> the wall time; <c>_runtime</c> and W&amp;B media no series) and its
/// system metrics in <c>wandb-events.jsonl</c> (the same <c>system/*</c> series as the log's stats records). When no
/// history can be read, the summary's values become one point each so the run still imports.
/// </summary>
internal sealed class WandbRunReader
{
    /// <summary>How <c>wandb-history.jsonl</c> is read (the trainer's step keys, then <c>_step</c>).</summary>
    public static readonly MetricTableOptions HistoryOptions = new([.. WandbLogState.StepKeys, "_step"], null,
        "a W&B wandb-history.jsonl (one JSON object per logged row, with _step)") { EpochColumns = WandbLogState.EpochKeys };

    private readonly WandbRunFolder _folder;
    private readonly string _format;
    private readonly WandbLogState _log;
    private readonly List<RunEvent> _events = [];
    private Func<MetricTable>? _history;
    private int _historyRows;
    private long? _lastStep;
    private double _lastEpoch;
    private double _lastTimestamp;
    private WandbSystemStats _stats;

    private WandbRunReader(WandbRunFolder folder, string format, WandbLogState log)
    {
        _folder = folder;
        _format = format;
        _log = log;
        _historyRows = log.HistoryRows;
        _lastStep = log.LastStep;
        _lastEpoch = log.LastEpoch;
        _lastTimestamp = log.LastTimestamp;
        _stats = log.Stats;
    }

    public static Task<Run> ReadAsync(WandbRunFolder folder, string format, ImportContext context, CancellationToken cancellationToken)
    {
        var state = new WandbLogState();
        var file = folder.LogFile;
        if (file is null)
        {
            return Task.FromResult(new WandbRunReader(folder, format, state).Assemble(null, context, null, release: true, cancellationToken));
        }

        FileStream stream;
        try
        {
            stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            var reader = new WandbRunReader(folder, format, state);
            reader._events.Add(new RunEvent(RunEventKind.ImportDamage, "The W&B log cannot be opened: " + ex.Message, File: file));
            return Task.FromResult(reader.Assemble(("cannot be opened: " + ex.Message, null), context, null, release: true, cancellationToken));
        }

        using (stream)
        {
            var log = WandbLogReader.Open(stream, file, context.Live);
            state.Read(log, file, stream.Length, context, cancellationToken);
            var reader = new WandbRunReader(folder, format, state);
            var problem = reader.LogEvents(log);
            return Task.FromResult(reader.Assemble(problem, context, null, release: true, cancellationToken));
        }
    }

    /// <summary>The run from what <paramref name="state"/> read of the log (through <paramref name="log"/>; null when the
    /// folder has no log) and the folder's other files as they are now; <paramref name="state"/> is left as it was, so a
    /// watched run can be assembled again after reading on. <paramref name="series"/> keeps only the series whose keys it
    /// accepts (null: all).</summary>
    /// <param name="history">For a run without a transaction log: its <c>wandb-history.jsonl</c> as read so far (may throw
    /// <see cref="RunImportException"/> as reading the file would); null: the file is read now.</param>
    public static Run Assemble(WandbRunFolder folder, string format, WandbLogState state, WandbLogReader? log, ImportContext context,
        Func<string, bool>? series, CancellationToken cancellationToken, Func<MetricTable>? history = null)
    {
        var reader = new WandbRunReader(folder, format, state) { _history = history };
        var problem = log is null ? null : reader.LogEvents(log);
        return reader.Assemble(problem, context, series, release: false, cancellationToken);
    }

    private Run Assemble((string Cause, string? Location)? logProblem, ImportContext context, Func<string, bool>? keep, bool release,
        CancellationToken cancellationToken)
    {
        var history = _historyRows == 0 ? ReadHistoryFile(context, cancellationToken) : null;
        ReadEventsFile(context, cancellationToken);
        var config = ReadConfig();
        var summary = ReadSummary();
        var (program, host, started) = ReadMetadata();

        if (_log.Records == 0 && summary is null && config is null && history is null)
        {
            var file = _folder.LogFile ?? _folder.Path;
            throw new RunImportException(file, logProblem?.Location, logProblem?.Cause ?? "no readable W&B data",
                "expected a W&B run folder (run-<id>.wandb, files/wandb-summary.json, files/config.yaml, or an older client's wandb-history.jsonl) or a run-<id>.wandb log");
        }

        var summaryValues = new Dictionary<string, double>(summary ?? _log.Summary, StringComparer.Ordinal);
        var fallback = _historyRows == 0 && summaryValues.Count > 0
            ? FallBackToSummary(summaryValues, logProblem is null && _folder.LogFile is not null)
            : null;

        var configValues = new Dictionary<string, ConfigValue>(config ?? _log.Config, StringComparer.Ordinal);
        if (program is not null)
        {
            configValues["wandb.program"] = ConfigValue.Of(program);
        }

        var run = _log.Run;
        host ??= string.IsNullOrEmpty(run?.Host) ? null : run.Host;
        if (host is not null)
        {
            configValues["wandb.host"] = ConfigValue.Of(host);
        }

        var status = Status();
        var start = run?.StartTime is { } ts && (ts.Seconds != 0 || ts.Nanos != 0) ? SafeTime(ts.Seconds, ts.Nanos) : started;
        var exit = _log.Exit;
        DateTimeOffset? end = null;
        if (start is { } s && exit is not null && exit.Runtime > 0)
        {
            end = s.AddSeconds(exit.Runtime);
        }
        else if (double.IsFinite(_lastTimestamp))
        {
            end = SafeTime(_lastTimestamp);
        }

        var id = NonEmpty(run?.RunId) ?? _folder.IdFromName ?? RunIds.FromPath(_folder.Path);
        var name = NonEmpty(run?.DisplayName) ?? _folder.Name;
        var identity = new RunIdentity(id, name, NonEmpty(run?.Project), new RunSource(_format, _folder.Path))
        {
            Time = new StartEnd(start, end),
        };

        // System metrics (W&B stats records) become system/* series, step = seconds since the run started.
        var collected = fallback is { NameCount: > 0 } ? fallback : _log.Series;
        var all = history is not null && collected.NameCount == 0 ? Kept(history.Series, keep)
            : release ? collected.Build(keep)
            : collected.Snapshot(keep);
        var system = _stats.Build(start);
        if (system.Count > 0)
        {
            all = all.SetItems(keep is null ? system : system.Where(p => keep(p.Key)));
            if (_stats.CpuCount is { } cores)
            {
                summaryValues[SystemMetrics.CpuCount] = cores;
            }
        }

        return new Run
        {
            Identity = identity,
            Config = RunConfig.From(configValues),
            Series = all,
            Summary = summaryValues.ToImmutableSortedDictionary(StringComparer.Ordinal),
            Status = status,
            Trainer = _lastStep is null ? TrainerState.Empty : new TrainerState
            {
                GlobalStep = _lastStep,
                Epoch = double.IsFinite(_lastEpoch) ? _lastEpoch : null,
            },
            Events = [.. _events],
        };
    }

    private static ImmutableSortedDictionary<string, Series> Kept(ImmutableSortedDictionary<string, Series> series, Func<string, bool>? keep) =>
        keep is null ? series : series.RemoveRange(series.Keys.Where(k => !keep(k)));

    private RunStatus Status()
    {
        if (_folder.LogFile is null || _log.Records == 0)
        {
            return RunStatus.Unknown;
        }

        if (_log.Preempted)
        {
            _events.Add(new RunEvent(RunEventKind.Note, "W&B recorded that the run was being preempted."));
        }

        if (_log.Exit is not { } exit)
        {
            _events.Add(new RunEvent(RunEventKind.Note,
                "The W&B log ended without an exit or final record: the run was still running, or its process was killed.",
                _lastStep, _folder.LogFile));
            return RunStatus.Unknown;
        }

        var runtime = exit.Runtime > 0 ? string.Create(CultureInfo.InvariantCulture, $" after {exit.Runtime} s") : "";
        if (!_log.Final && !_log.Footer)
        {
            _events.Add(new RunEvent(RunEventKind.Note,
                "The W&B log ended without a final record: W&B stopped before it finished writing the run (interrupted or killed?).",
                _lastStep, _folder.LogFile));
        }

        if (exit.ExitCode != 0)
        {
            _events.Add(new RunEvent(RunEventKind.Error,
                string.Create(CultureInfo.InvariantCulture, $"The run exited with code {exit.ExitCode}{runtime}."), _lastStep, _folder.LogFile));
            return RunStatus.Failed;
        }

        return RunStatus.Finished;
    }

    /// <summary>The transaction log's damage, in the order the reader met it; returns what made the log unusable as a
    /// whole, or null.</summary>
    private (string Cause, string? Location)? LogEvents(WandbLogReader log)
    {
        var file = _folder.LogFile!;
        if (log.HeaderProblem is { } problem)
        {
            _events.Add(new RunEvent(RunEventKind.ImportDamage,
                "The W&B log cannot be decoded: " + problem + "; only the summary and config files were read.", File: file, Location: "offset 0"));
            return (problem, "offset 0");
        }

        _events.AddRange(_log.Skipped);
        _events.AddRange(log.Damage);
        if (log.UnreportedDamage > 0)
        {
            _events.Add(new RunEvent(RunEventKind.ImportDamage,
                string.Create(CultureInfo.InvariantCulture, $"{log.UnreportedDamage} more damaged places in the W&B log were skipped."), File: file));
        }

        if (_log.Records == 0)
        {
            var first = log.Damage.Count > 0 ? log.Damage[0] : null;
            var cause = first is null ? "the W&B log holds no records" : "no record of the W&B log is readable: " + first.Message;
            if (first is null)
            {
                _events.Add(new RunEvent(RunEventKind.ImportDamage, "The W&B log holds no records.", File: file));
            }

            return (cause, first?.Location);
        }

        return null;
    }

    /// <summary>Without readable history, each summary value becomes one point at the summary's own step.</summary>
    private SeriesCollector FallBackToSummary(Dictionary<string, double> summary, bool logWasReadable)
    {
        var collector = new SeriesCollector(n => MetricNames.Normalize(n, bareSplit: null));
        double? trainerStep = null;
        foreach (var key in WandbLogState.StepKeys)
        {
            if (summary.TryGetValue(key, out var v))
            {
                trainerStep = v;
                break;
            }
        }

        var step = WandbLogState.ToStep(trainerStep) ?? WandbLogState.ToStep(summary.TryGetValue("_step", out var s) ? s : null) ?? 0;
        var epoch = double.NaN;
        foreach (var key in WandbLogState.EpochKeys)
        {
            if (summary.TryGetValue(key, out var e))
            {
                epoch = e;
                break;
            }
        }

        var timestamp = summary.TryGetValue("_timestamp", out var t) ? t : double.NaN;
        var added = 0;
        foreach (var (name, v) in summary)
        {
            if (name.StartsWith('_') || Array.IndexOf(WandbLogState.StepKeys, name) >= 0 || Array.IndexOf(WandbLogState.EpochKeys, name) >= 0)
            {
                continue;
            }

            collector.Add(name, step, v, epoch, timestamp);
            added++;
        }

        if (added > 0)
        {
            _lastStep = step;
            var why = _folder.LogFile is null ? "there is no run-<id>.wandb log"
                : logWasReadable ? "the W&B log holds no history rows" : "the W&B log could not be read";
            _events.Add(new RunEvent(RunEventKind.Warning,
                "Series hold only the final summary values (one point each at step "
                + step.ToString(CultureInfo.InvariantCulture) + ") because " + why + ".",
                step, _folder.SummaryFile));
        }

        return collector;
    }

    private Dictionary<string, ConfigValue>? ReadConfig()
    {
        if (_folder.ConfigFile is not { } file)
        {
            return null;
        }

        try
        {
            return WandbConfigReader.FromYaml(YamlConfig.ParseTree(file, File.ReadAllText(file), "the config is skipped"));
        }
        catch (RunImportException ex)
        {
            _events.Add(new RunEvent(RunEventKind.ImportDamage, "config.yaml is " + ex.Cause + "; the config from the W&B log is used instead.",
                File: file, Location: ex.Location));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _events.Add(new RunEvent(RunEventKind.ImportDamage, "config.yaml cannot be read: " + ex.Message, File: file));
        }

        return null;
    }

    /// <summary>The history of a run that has no transaction log (or none with history rows), from
    /// <c>wandb-history.jsonl</c>; null when there is none.</summary>
    private MetricTable? ReadHistoryFile(ImportContext context, CancellationToken cancellationToken)
    {
        if (_folder.HistoryFile is not { } file)
        {
            return null;
        }

        try
        {
            var table = _history?.Invoke() ?? JsonlMetricReader.Read(file, HistoryOptions, context, cancellationToken);
            _events.AddRange(table.Events);
            _historyRows = table.DataRows;
            _lastStep = table.MaxStep;
            _lastEpoch = table.MaxEpoch ?? double.NaN;
            if (table.LastWallTime is { } wall)
            {
                _lastTimestamp = wall;
            }

            return table;
        }
        catch (RunImportException ex)
        {
            _events.Add(new RunEvent(RunEventKind.ImportDamage, $"{WandbRunFolder.HistoryName} cannot be used: {ex.Cause}.", File: ex.File, Location: ex.Location));
            return null;
        }
    }

    /// <summary>System metrics of a run that has no transaction log, from <c>wandb-events.jsonl</c> (one object of
    /// <c>system.*</c> readings and <c>_timestamp</c> per line): read as the log's stats records are.</summary>
    private void ReadEventsFile(ImportContext context, CancellationToken cancellationToken)
    {
        if (_folder.EventsFile is not { } file || _stats.HasSamples)
        {
            return;
        }

        _stats = new WandbSystemStats(); // the log's own (empty) stats are left as they are

        try
        {
            using var lines = LineReader.Open(file, context, JsonlMetricReader.MaxLineBytes);
            while (lines.Next())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (PythonJson.Parse(lines.Current, out var damage) is not JsonObject row || damage is not null)
                {
                    lines.Skip(damage is null ? "not a JSON object" : "invalid JSON: " + damage.Cause);
                    continue;
                }

                if (!PythonJson.TryGetNumber(row["_timestamp"], out var time) || !double.IsFinite(time) || time <= 0 || time > 253_402_300_799)
                {
                    lines.Skip("no _timestamp");
                    continue;
                }

                var record = new WandbStatsRecord { Timestamp = Timestamp.FromDateTimeOffset(DateTimeOffset.FromUnixTimeMilliseconds((long)(time * 1000))) };
                foreach (var (key, node) in row)
                {
                    if (key.StartsWith("system.", StringComparison.Ordinal) && PythonJson.TryGetNumber(node, out var v))
                    {
                        record.Item.Add(new WandbItem { Key = key["system.".Length..], ValueJson = ConfigScalars.NumberText(v) });
                    }
                }

                _stats.Add(record);
            }

            _events.AddRange(lines.Events());
        }
        catch (RunImportException ex)
        {
            _events.Add(new RunEvent(RunEventKind.ImportDamage, $"{WandbRunFolder.EventsName} cannot be read: {ex.Cause}.", File: ex.File));
        }
        catch (IOException ex)
        {
            _events.Add(new RunEvent(RunEventKind.ImportDamage, $"{WandbRunFolder.EventsName} cannot be read: {ex.Message}", File: file));
        }
    }

    private Dictionary<string, double>? ReadSummary()
    {
        if (_folder.SummaryFile is not { } file)
        {
            return null;
        }

        try
        {
            var root = PythonJson.Parse(File.ReadAllBytes(file), out var damage);
            if (damage is not null)
            {
                _events.Add(new RunEvent(RunEventKind.ImportDamage, $"wandb-summary.json is not readable JSON ({damage.Cause}); skipped.", File: file,
                    Location: DamageLog.Line(damage.Line)));
                return null;
            }

            if (root is not JsonObject o)
            {
                _events.Add(new RunEvent(RunEventKind.ImportDamage, "wandb-summary.json is not a JSON object; skipped.", File: file, Location: "line 1"));
                return null;
            }

            var result = new Dictionary<string, double>(StringComparer.Ordinal);
            FlattenSummary("", o, result, 0);
            return result;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _events.Add(new RunEvent(RunEventKind.ImportDamage, "wandb-summary.json cannot be read: " + ex.Message, File: file));
        }

        return null;
    }

    /// <summary>The summary's numbers by dotted key; W&amp;B media and tables (objects with <c>_type</c>) are left out.</summary>
    private static void FlattenSummary(string prefix, JsonObject obj, Dictionary<string, double> into, int depth)
    {
        foreach (var (name, value) in obj)
        {
            var key = prefix + name;
            if (key == "_wandb")
            {
                continue;
            }

            if (PythonJson.TryGetNumber(value, out var v))
            {
                into[key] = v;
            }
            else if (value is JsonObject inner && depth < 8 && !inner.ContainsKey("_type"))
            {
                FlattenSummary(key + ".", inner, into, depth + 1);
            }
        }
    }

    private (string? Program, string? Host, DateTimeOffset? Started) ReadMetadata()
    {
        if (_folder.MetadataFile is not { } file)
        {
            return (null, null, null);
        }

        try
        {
            var root = PythonJson.Parse(File.ReadAllBytes(file), out var damage);
            if (damage is not null)
            {
                _events.Add(new RunEvent(RunEventKind.ImportDamage, $"wandb-metadata.json is not readable JSON ({damage.Cause}); skipped.", File: file,
                    Location: DamageLog.Line(damage.Line)));
                return (null, null, null);
            }

            if (root is not JsonObject o)
            {
                return (null, null, null);
            }

            DateTimeOffset? started = null;
            if (Text(o, "startedAt") is { } at
                && DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t))
            {
                started = t;
            }

            // only what identifies the run's program and machine; never the e-mail or user name
            return (Text(o, "program"), Text(o, "host"), started);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _events.Add(new RunEvent(RunEventKind.ImportDamage, "wandb-metadata.json cannot be read: " + ex.Message, File: file));
        }

        return (null, null, null);
    }

    private static string? Text(JsonObject obj, string name) =>
        obj[name] is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0 ? s : null;
    private static string? NonEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;

    private static DateTimeOffset? SafeTime(long seconds, int nanos) =>
        seconds is > -62135596800L and < 253402300799L && nanos is >= 0 and < 1_000_000_000
            ? DateTimeOffset.FromUnixTimeSeconds(seconds).AddTicks(nanos / 100)
            : null;

    private static DateTimeOffset? SafeTime(double seconds) =>
        double.IsFinite(seconds) && seconds is > -62135596800d and < 253402300799d
            ? DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000))
            : null;
}

using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Runlens.Import.Core;
using Runlens.Import.HfTrainer;
using Runlens.Import.Tabular;
using Runlens.Model;

namespace Runlens.Import.Callback;

/// <summary>
/// What the Runlens callback for the Hugging Face Trainer writes (<c>clients/python/runlens_callback.py</c>): a JSON Lines
/// file <c>runlens.jsonl</c>, schema <c>runlens.callback/v1</c> (docs/callback.md), with one record a line — <c>run</c>
/// (name, start, config, model size, dataset sizes), <c>log</c> (step, epoch, time and the logged values), <c>checkpoint</c>,
/// <c>state</c>, <c>event</c> and <c>status</c>. Logged names get the same keys as the Trainer's own log (<c>loss</c> →
/// <c>train/loss</c>, <c>eval_f1_cat</c> → <c>val/f1_cat</c>); the Trainer's closing entry (it has <c>train_runtime</c> or <c>total_flos</c>) goes to
/// <see cref="Run.Summary"/>. Non-finite values may be the strings <c>"NaN"</c>, <c>"Infinity"</c>, <c>"-Infinity"</c> (what the
/// callback writes) or Python's bare tokens (<see cref="PythonJson"/>). Lines are read by <see cref="LineReader"/>: a damaged
/// line is reported with its line number and skipped, a last line cut short is left out and reported; the config is
/// flattened by <see cref="ConfigFlattener"/>, as every format's is.
/// </summary>
internal sealed class CallbackJsonlImporter : IRunImporter
{
    public const string FormatId = "runlens-callback";
    public const string Schema = "runlens.callback/v1";
    public const string FileName = "runlens.jsonl";
    internal const int MaxLineBytes = 16 << 20;

    // The Trainer's closing entry carries train_runtime and total_flos (with its train_loss, the mean over the run); a
    // train_loss without them is a series a module logged (Lightning's self.log("train_loss", …)), not a summary.
    private static readonly HashSet<string> SummaryNames = new(StringComparer.Ordinal) { "train_runtime", "total_flos" };

    public string Format => FormatId;

    public int Detect(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path))
        {
            return File.Exists(Path.Combine(path, FileName)) ? 95 : 0;
        }

        if (!File.Exists(path))
        {
            return 0;
        }

        if (Path.GetFileName(path).Equals(FileName, StringComparison.OrdinalIgnoreCase))
        {
            return 100;
        }

        if (!TabularSniff.HasExtension(path, ".jsonl", ".ndjson"))
        {
            return 0;
        }

        var first = TabularSniff.Head(path)?.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0);
        return first is not null && first.StartsWith('{') && first.Contains(Schema, StringComparison.Ordinal) ? 95 : 0;
    }

    public Task<ImportResult> ImportAsync(string path, ImportContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(context);
        var file = Directory.Exists(path) ? Path.Combine(path, FileName) : path;
        if (!File.Exists(file))
        {
            throw new RunImportException(file, null, Directory.Exists(path) ? "the folder holds no " + FileName : "no such file",
                "point at the runlens.jsonl the Runlens callback writes, or the folder holding it");
        }

        return Task.Run(() => ImportResult.Of(Read(file, context, cancellationToken)), cancellationToken);
    }

    private Run Read(string file, ImportContext context, CancellationToken cancellationToken)
    {
        using var lines = LineReader.Open(file, context, MaxLineBytes);
        var reader = new RecordReader(lines);
        try
        {
            reader.ReadOn(cancellationToken);
        }
        catch (IOException ex)
        {
            throw new RunImportException(file, null, "could not be read: " + ex.Message, "check that the file is readable", ex);
        }

        return reader.Finish(Format);
    }

    /// <summary>Turns the records of one file into a run.</summary>
    internal sealed class RecordReader
    {
        private readonly string _file;
        private readonly LineReader _lines;
        private readonly SeriesCollector _series = new(n => MetricNames.Normalize(n, "train"));
        private readonly ImmutableSortedDictionary<string, ConfigValue>.Builder _config =
            ImmutableSortedDictionary.CreateBuilder<string, ConfigValue>(StringComparer.Ordinal);
        private readonly SortedDictionary<string, double> _summary = new(StringComparer.Ordinal);
        private readonly List<RunEvent> _events = [];
        private readonly List<Checkpoint> _checkpoints = [];
        private readonly Dictionary<string, int> _unknownTypes = new(StringComparer.Ordinal);
        private int _records;
        private int _runRecords;
        private string? _name;
        private DateTimeOffset? _start;
        private DateTimeOffset? _end;
        private RunStatus _status = RunStatus.Unknown;
        private DatasetStats _dataset = DatasetStats.Empty;
        private TrainerState _trainer = TrainerState.Empty;
        private long? _maxStep;
        private double? _maxEpoch;

        public RecordReader(LineReader lines)
        {
            _lines = lines;
            _file = lines.File;
        }

        /// <summary>The points as they are read.</summary>
        public SeriesCollector Collector => _series;

        /// <summary>Reads the lines the reader has left; a tailed log calls it again after the reader is resumed
        /// (<see cref="LineReader.Resume"/>).</summary>
        public void ReadOn(CancellationToken cancellationToken)
        {
            while (_lines.Next())
            {
                cancellationToken.ThrowIfCancellationRequested();
                Line(_lines.Current, _lines.Number);
            }
        }

        public void Line(Span<byte> line, int number)
        {
            var node = PythonJson.Parse(line, out var damage);
            if (damage is not null || node is not JsonObject record)
            {
                _lines.Skip(damage is null ? "not a JSON object" : "invalid JSON: " + damage.Cause);
                return;
            }

            _records++;
            var type = Text(record["type"]);
            switch (type)
            {
                case "run":
                    ReadRun(record);
                    break;
                case "log":
                    ReadLog(record, number);
                    break;
                case "checkpoint":
                    ReadCheckpoint(record);
                    break;
                case "state":
                    ReadState(record);
                    break;
                case "event":
                    ReadEvent(record, number);
                    break;
                case "status":
                    ReadStatus(record, number);
                    break;
                case null:
                    _lines.Skip("the record has no \"type\"");
                    break;
                default:
                    _unknownTypes[type] = _unknownTypes.GetValueOrDefault(type) + 1;
                    break;
            }
        }

        /// <param name="format">The format the run's source names.</param>
        /// <param name="keep">Leave the reader able to read on (the run so far of a tailed log); <paramref name="series"/>
        /// chooses the series by key then.</param>
        public Run Finish(string format, bool keep = false, Func<string, bool>? series = null)
        {
            if (_records == 0)
            {
                if (_lines.Damage.First is { } d)
                {
                    throw new RunImportException(_file, DamageLog.Line(d.Line), "no usable line: " + d.Cause,
                        "expected the JSON Lines records of the Runlens callback (schema " + Schema + ")");
                }

                throw new RunImportException(_file, null, _lines.Cut is null ? "the file is empty" : "the only line is incomplete",
                    "the Runlens callback writes its first record when training begins; import the file again once it has");
            }

            var events = new List<RunEvent>(_lines.Events());
            if (_runRecords == 0)
            {
                events.Add(new RunEvent(RunEventKind.Warning,
                    $"{Path.GetFileName(_file)}: no \"run\" record (schema {Schema}); the run's name, config and sizes are unknown", File: _file));
            }
            else if (_runRecords > 1)
            {
                events.Add(new RunEvent(RunEventKind.Warning,
                    $"{Path.GetFileName(_file)}: {_runRecords} \"run\" records; the file holds several trainings appended, read here as one run", File: _file));
            }

            foreach (var (type, count) in _unknownTypes)
            {
                events.Add(new RunEvent(RunEventKind.Note,
                    $"{Path.GetFileName(_file)}: {count} records of unknown type '{type}' were skipped (written by a newer callback?)", File: _file));
            }

            events.AddRange(_events);

            var built = keep ? _series.Snapshot(series) : _series.Build();
            var trainer = _trainer with
            {
                GlobalStep = _trainer.GlobalStep ?? _maxStep,
                Epoch = _trainer.Epoch ?? _maxEpoch,
            };
            trainer = WithBest(trainer, built);

            var folder = Path.GetDirectoryName(Path.GetFullPath(_file)) ?? _file;
            var name = _name ?? Path.GetFileName(folder);
            return new Run
            {
                Identity = new RunIdentity(RunIds.FromPath(_file), name, null, new RunSource(format, _file)) { Time = new StartEnd(_start, _end) },
                Config = new RunConfig(_config.ToImmutable()),
                Series = built,
                Summary = _summary.ToImmutableSortedDictionary(StringComparer.Ordinal),
                Checkpoints = [.. _checkpoints],
                Trainer = trainer,
                Dataset = _dataset,
                Status = _status == RunStatus.Unknown && _runRecords > 0 ? RunStatus.Running : _status,
                Events = [.. events],
            };
        }

        private TrainerState WithBest(TrainerState trainer, ImmutableSortedDictionary<string, Series> series)
        {
            var bestStep = trainer.BestStep ?? HfRunLayout.StepOfCheckpointPath(trainer.BestCheckpoint);
            string? key = null;
            if (_config.TryGetValue("metric_for_best_model", out var m) && m.Kind == ConfigValueKind.String && m.Text.Length > 0)
            {
                var logged = m.Text.StartsWith("eval_", StringComparison.Ordinal) ? m.Text : "eval_" + m.Text;
                key = MetricNames.Normalize(logged, "train");
            }

            bool? greater = _config.TryGetValue("greater_is_better", out var g) && g.Kind == ConfigValueKind.Boolean ? g.Boolean : null;
            if (key is null || greater is null)
            {
                var (inferredKey, inferredGreater) = HfBestMetric.Infer(series, trainer.BestMetric, bestStep);
                key ??= inferredKey;
                greater ??= key == inferredKey ? inferredGreater : null;
            }

            return trainer with { BestStep = bestStep, BestMetricKey = trainer.BestMetric is null ? null : key, GreaterIsBetter = trainer.BestMetric is null ? null : greater };
        }

        private void ReadRun(JsonObject record)
        {
            _runRecords++;
            if (Text(record["schema"]) is { } schema && schema != Schema)
            {
                _events.Add(new RunEvent(RunEventKind.Warning,
                    $"{Path.GetFileName(_file)}: schema '{schema}' is not {Schema}; read as {Schema}", File: _file));
            }

            _name = Text(record["name"]) ?? _name;
            if (Text(record["started"]) is { } started
                && DateTimeOffset.TryParse(started, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var s))
            {
                _start ??= s;
            }
            else if (Number(record["time"]) is { } t && Time(t) is { } ts)
            {
                _start ??= ts;
            }

            if (record["config"] is JsonObject config)
            {
                ConfigFlattener.Flatten("", config, _config);
            }

            if (record["trainer"] is JsonObject trainer)
            {
                foreach (var (key, node) in trainer)
                {
                    if (Number(node) is { } v)
                    {
                        _config.TryAdd(key, ConfigScalars.Number(v));
                    }
                }

                _trainer = _trainer with
                {
                    MaxSteps = Whole(trainer["max_steps"]) ?? _trainer.MaxSteps,
                    NumTrainEpochs = Number(trainer["num_train_epochs"]) ?? _trainer.NumTrainEpochs,
                    LoggingSteps = Whole(trainer["logging_steps"]) ?? _trainer.LoggingSteps,
                    EvalSteps = Whole(trainer["eval_steps"]) ?? _trainer.EvalSteps,
                    SaveSteps = Whole(trainer["save_steps"]) ?? _trainer.SaveSteps,
                    TrainBatchSize = Whole(trainer["train_batch_size"]) ?? _trainer.TrainBatchSize,
                };
            }

            if (record["model"] is JsonObject model)
            {
                foreach (var (key, node) in model)
                {
                    if (key == "config" && node is JsonObject modelConfig)
                    {
                        // model.config (a Hugging Face PretrainedConfig): the same model.* keys as the HF Trainer's config.json.
                        ConfigFlattener.Flatten("model", modelConfig, _config);
                    }
                    else if (Number(node) is { } v)
                    {
                        _config["model." + key] = ConfigScalars.Number(v);
                    }
                    else if (Text(node) is { } text)
                    {
                        _config["model." + key] = ConfigValue.Of(text);
                    }
                }
            }

            if (record["datasets"] is JsonObject datasets)
            {
                _dataset = _dataset with
                {
                    TrainExamples = Count(datasets["train"]) ?? _dataset.TrainExamples,
                    EvalExamples = Count(datasets["eval"]) ?? Count(datasets["validation"]) ?? _dataset.EvalExamples,
                    TestExamples = Count(datasets["test"]) ?? _dataset.TestExamples,
                };
            }
        }

        private void ReadLog(JsonObject record, int line)
        {
            var step = Whole(record["step"]);
            if (step is not { } s)
            {
                _lines.Skip("a log record without a whole-number \"step\"");
                return;
            }

            var epoch = Number(record["epoch"]) ?? double.NaN;
            var wall = Number(record["time"]) ?? double.NaN;
            if (record["values"] is not JsonObject values)
            {
                _lines.Skip("a log record without a \"values\" object");
                return;
            }

            var numbers = new List<(string Name, double Value)>(values.Count);
            foreach (var (name, node) in values)
            {
                if (Number(node) is { } v)
                {
                    numbers.Add((name, v));
                }
            }

            if (numbers.Any(n => SummaryNames.Contains(n.Name)))
            {
                // the Trainer's closing entry: its train_loss is the mean over the run and would collide with the per-log loss
                foreach (var (name, value) in numbers)
                {
                    _summary[name] = value;
                }

                return;
            }

            foreach (var (name, value) in numbers)
            {
                _series.Add(name, new SeriesPoint(s, value, epoch, wall));
            }

            if (numbers.Count > 0)
            {
                _maxStep = _maxStep is { } m && m >= s ? m : s;
                if (double.IsFinite(epoch))
                {
                    _maxEpoch = _maxEpoch is { } me && me >= epoch ? me : epoch;
                }
            }
        }

        private void ReadCheckpoint(JsonObject record)
        {
            var step = Whole(record["step"]);
            var path = Text(record["path"]);
            if (step is { } s)
            {
                _checkpoints.RemoveAll(c => c.Step == s);
                _checkpoints.Add(new Checkpoint(s, path));
            }

            if (Text(record["best"]) is { } best)
            {
                _trainer = _trainer with { BestCheckpoint = best, BestMetric = Number(record["best_metric"]) ?? _trainer.BestMetric };
            }
        }

        private void ReadState(JsonObject record)
        {
            _trainer = _trainer with
            {
                GlobalStep = Whole(record["global_step"]) ?? _trainer.GlobalStep,
                Epoch = Number(record["epoch"]) ?? _trainer.Epoch,
                BestMetric = Number(record["best_metric"]) ?? _trainer.BestMetric,
                BestCheckpoint = Text(record["best_model_checkpoint"]) ?? _trainer.BestCheckpoint,
                ShouldTrainingStop = record["should_training_stop"] is JsonValue v && v.TryGetValue<bool>(out var b) ? b : _trainer.ShouldTrainingStop,
            };
        }

        private void ReadEvent(JsonObject record, int line)
        {
            var message = Text(record["message"]);
            if (message is null)
            {
                _lines.Skip("an event record without a \"message\"");
                return;
            }

            var kind = Text(record["kind"]) switch
            {
                "error" => RunEventKind.Error,
                "warning" => RunEventKind.Warning,
                "early_stop" => RunEventKind.EarlyStop,
                _ => RunEventKind.Note,
            };
            _events.Add(new RunEvent(kind, message, Whole(record["step"])));
        }

        private void ReadStatus(JsonObject record, int line)
        {
            var text = Text(record["status"]);
            var status = text switch
            {
                "finished" => RunStatus.Finished,
                "failed" => RunStatus.Failed,
                "killed" => RunStatus.Killed,
                "running" => RunStatus.Running,
                _ => (RunStatus?)null,
            };
            if (status is not { } s)
            {
                _lines.Skip($"status '{text}' is not one of running, finished, failed, killed");
                return;
            }

            _status = s;
            if (s != RunStatus.Running && Number(record["time"]) is { } t && Time(t) is { } end)
            {
                _end = end;
            }
        }

        private static DateTimeOffset? Time(double seconds) =>
            double.IsFinite(seconds) && seconds is > 0 and < 253_402_300_799 ? DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(seconds * 1000)) : null;
    }

    private static string? Text(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    /// <summary>A number: a JSON number (non-finite ones from Python's bare tokens included), one of the strings
    /// <c>"NaN"</c>, <c>"Infinity"</c>, <c>"-Infinity"</c> (<see cref="PythonJson.TryGetNumber"/>), or a numeric string
    /// such as <c>"1e-3"</c>.</summary>
    private static double? Number(JsonNode? node)
    {
        if (PythonJson.TryGetNumber(node, out var d))
        {
            return d;
        }

        return node is JsonValue v && v.TryGetValue<string>(out var s) && CellValue.Parse(s, out var parsed) == CellKind.Number ? parsed : null;
    }

    private static long? Whole(JsonNode? node) => Number(node) is { } d ? CellValue.Whole(d) : null;

    private static long? Count(JsonNode? node) => Whole(node) is { } n && n >= 0 ? n : null;
}

using Runlens.Import.Json;
using System.Collections.Immutable;
using System.Text.Json;
using Runlens.Import.HfTrainer;
using Runlens.Model;

namespace Runlens.Import.Tabular;

/// <summary>
/// A JSON Lines metric log: one object per logged step. The step key is chosen on the first object (the first of
/// <see cref="CsvMetricsImporter.StepNames"/> present, else <c>epoch</c>, else none: the record index); an object without a
/// usable step then keeps the last step seen and is counted. Numbers (and Python's <c>NaN</c>/<c>Infinity</c>, and numeric
/// strings) become points; nested objects give <c>outer/inner</c> names; other values are counted and reported. A line that is
/// not a JSON object is skipped as damage with its line number.
/// </summary>
internal static class JsonlMetricReader
{
    public const string Expected = "a JSON Lines metric log (one JSON object per line, e.g. {\"step\": 10, \"loss\": 0.5})";
    public const int MaxLineBytes = 1 << 20;
    private const int MaxDepth = 4;
    private const int ReportEveryBytes = 1 << 20;

    public static Task<MetricTable> ReadAsync(string file, ImportContext context, CancellationToken cancellationToken) =>
        Task.Run(() => Read(file, context, cancellationToken), cancellationToken);

    public static MetricTable Read(string file, ImportContext context, CancellationToken cancellationToken)
    {
        try
        {
            using var stream = LiveFile.Open(file, context);
            return Read(file, stream, context, cancellationToken);
        }
        catch (IOException ex)
        {
            throw new RunImportException(file, null, "could not be read: " + ex.Message, "check that the file is readable", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new RunImportException(file, null, "access denied", "check the file's permissions", ex);
        }
    }

    public static MetricTable Read(string file, Stream stream, ImportContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(context);
        var state = new State(file);
        var length = stream.CanSeek ? stream.Length : -1;
        var lines = new Json.LineSplitter(stream, MaxLineBytes);
        long nextReport = ReportEveryBytes;
        while (lines.Next(out var line, out var number, out _, out var tooLong))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (lines.Consumed >= nextReport)
            {
                context.Report(file, lines.Consumed, length);
                nextReport = lines.Consumed + ReportEveryBytes;
            }

            if (tooLong)
            {
                state.Records++;
                state.Damage.Add(number, $"the line is longer than {MaxLineBytes} bytes");
                continue;
            }

            var span = line.AsSpan();
            if (number == 1 && PythonJson.BomLength(span) > 0)
            {
                span = span[3..];
            }

            span = span.Trim(" \t\r\n"u8);
            if (span.IsEmpty)
            {
                continue;
            }

            state.Records++;
            ReadLine(span, number, state);
        }

        context.Report(file, lines.Consumed, length);
        return state.Finish();
    }

    private static void ReadLine(Span<byte> json, int line, State state)
    {
        var literals = PythonJson.RewriteNonFiniteLiterals(json);
        var reader = new Utf8JsonReader(json, PythonJson.ReaderOptions);
        var values = state.Row;
        values.Clear();
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                state.Damage.Add(line, "not a JSON object");
                return;
            }

            ReadObject(ref reader, "", values, literals, state, line, 0);
            if (reader.Read())
            {
                state.Damage.Add(line, "more than one JSON value on the line");
                return;
            }
        }
        catch (JsonException ex)
        {
            state.Damage.Add(line, "invalid JSON: " + PythonJson.Describe(ex));
            return;
        }
        catch (InvalidOperationException ex)
        {
            state.Damage.Add(line, "invalid JSON: " + ex.Message.TrimEnd('.'));
            return;
        }

        state.Add(values, line);
    }

    private static void ReadObject(ref Utf8JsonReader reader, string prefix, List<(string Name, double Value)> values,
        Dictionary<long, double>? literals, State state, int line, int depth)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = prefix + (reader.GetString() ?? "");
            reader.Read();
            if (PythonJson.TryReadNumber(ref reader, literals, out var d))
            {
                values.Add((name, d));
            }
            else if (reader.TokenType == JsonTokenType.StartObject && depth < MaxDepth)
            {
                ReadObject(ref reader, name + "/", values, literals, state, line, depth + 1);
            }
            else if (reader.TokenType == JsonTokenType.String && CellValue.Parse(reader.GetString(), out var s) == CellKind.Number)
            {
                values.Add((name, s));
            }
            else if (reader.TokenType == JsonTokenType.String && CellValue.Parse(reader.GetString(), out _) == CellKind.Empty)
            {
                // an empty string: no value, as an empty CSV cell
            }
            else if (reader.TokenType != JsonTokenType.Null)
            {
                reader.Skip();
                state.NotNumber(name, line);
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject)
        {
            throw new JsonException("expected a property name or the end of the object");
        }
    }

    /// <summary>Everything collected while reading one file.</summary>
    private sealed class State
    {
        private readonly string _file;
        private readonly SeriesCollector _collector = new(n => MetricNames.Normalize(n, "train"));
        private readonly Dictionary<string, (int Numbers, int Texts, int FirstLine)> _columns = new(StringComparer.Ordinal);
        private readonly List<string> _columnOrder = [];
        private string? _stepKey;
        private bool _stepChosen;
        private long? _lastStep;
        private int _stepless;
        private int _firstStepless;
        private int _usable;
        private long? _maxStep;
        private double? _maxEpoch;

        public State(string file)
        {
            _file = file;
            Damage = new DamageLog(file);
        }

        public DamageLog Damage { get; }

        public List<(string Name, double Value)> Row { get; } = [];

        public int Records { get; set; }

        public void NotNumber(string name, int line)
        {
            var c = Column(name);
            _columns[name] = (c.Numbers, c.Texts + 1, c.FirstLine == 0 ? line : c.FirstLine);
        }

        public void Add(List<(string Name, double Value)> values, int line)
        {
            if (!_stepChosen)
            {
                _stepChosen = true;
                _stepKey = CsvMetricsImporter.StepNames.FirstOrDefault(k => values.Any(v => v.Name == k))
                    ?? (values.Any(v => v.Name == "epoch" && CellValue.Whole(v.Value) is not null) ? "epoch" : null);
            }

            long step = Records - 1;
            var epoch = double.NaN;
            var wall = double.NaN;
            if (_stepKey is not null)
            {
                var found = values.FirstOrDefault(v => v.Name == _stepKey);
                if (found.Name is not null && CellValue.Whole(found.Value) is { } s)
                {
                    step = s;
                }
                else
                {
                    _stepless++;
                    _firstStepless = _firstStepless == 0 ? line : _firstStepless;
                    if (_lastStep is not { } last)
                    {
                        return; // no step to carry yet: the object is counted, not guessed
                    }

                    step = last;
                }
            }

            _lastStep = step;
            var any = false;
            foreach (var (name, value) in values)
            {
                if (name == _stepKey || CsvMetricsImporter.StepNames.Contains(name))
                {
                    continue;
                }

                if (name == "epoch")
                {
                    epoch = value;
                    continue;
                }

                if (MetricTableOptions.WallTimeColumns.Contains(name))
                {
                    wall = value;
                }
            }

            foreach (var (name, value) in values)
            {
                if (name == _stepKey || name == "epoch" || CsvMetricsImporter.StepNames.Contains(name)
                    || MetricTableOptions.WallTimeColumns.Contains(name))
                {
                    continue;
                }

                var c = Column(name);
                _columns[name] = (c.Numbers + 1, c.Texts, c.FirstLine);
                _collector.Add(name, new SeriesPoint(step, value, epoch, wall));
                any = true;
            }

            if (any)
            {
                _usable++;
                _maxStep = _maxStep is { } m && m >= step ? m : step;
                if (double.IsFinite(epoch))
                {
                    _maxEpoch = _maxEpoch is { } me && me >= epoch ? me : epoch;
                }
            }
        }

        public MetricTable Finish()
        {
            var file = Path.GetFileName(_file);
            if (Records == 0)
            {
                throw new RunImportException(_file, null, "the file is empty", "expected " + Expected);
            }

            var events = ImmutableArray.CreateBuilder<RunEvent>();
            events.AddRange(Damage.Events());
            var stepSource = _stepKey ?? "record index";
            if (_stepless > 0)
            {
                events.Add(new RunEvent(RunEventKind.Warning,
                    $"{file}: {_stepless} objects had no usable '{stepSource}'; each took the step before it, or was skipped when none came before (first at line {_firstStepless})",
                    File: _file, Location: DamageLog.Line(_firstStepless)));
            }

            if (_stepKey is null)
            {
                events.Add(new RunEvent(RunEventKind.Note,
                    $"{file}: the first object has no whole-number step ({string.Join(", ", CsvMetricsImporter.StepNames.Append("epoch"))}); "
                    + "each point's step is its 0-based record number", File: _file));
            }

            foreach (var name in _columnOrder)
            {
                var (numbers, texts, first) = _columns[name];
                if (texts > 0 && numbers == 0)
                {
                    events.Add(new RunEvent(RunEventKind.Note,
                        $"{file}: key '{name}' was ignored: it holds text or lists, not numbers (first at line {first})",
                        File: _file, Location: DamageLog.Line(first)));
                }
                else if (texts > 0)
                {
                    events.Add(new RunEvent(RunEventKind.Warning,
                        $"{file}: key '{name}' has {texts} values that are not numbers; they were skipped (first at line {first})",
                        File: _file, Location: DamageLog.Line(first)));
                }
            }

            if (_collector.NameCount == 0)
            {
                if (Damage.First is { } d)
                {
                    throw new RunImportException(_file, DamageLog.Line(d.Line), "no usable line: " + d.Cause, "check the file; expected " + Expected);
                }

                throw new RunImportException(_file, null, "no numeric values besides steps", "expected " + Expected);
            }

            return new MetricTable(_collector.Build(), events.ToImmutable(), [.. _columnOrder], _usable, stepSource, _maxStep, _maxEpoch);
        }

        private (int Numbers, int Texts, int FirstLine) Column(string name)
        {
            if (_columns.TryGetValue(name, out var c))
            {
                return c;
            }

            _columnOrder.Add(name);
            return default;
        }
    }
}

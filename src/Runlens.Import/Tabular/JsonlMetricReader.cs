using System.Collections.Immutable;
using System.Text.Json;
using Runlens.Import.Core;
using Runlens.Model;

namespace Runlens.Import.Tabular;

/// <summary>
/// A JSON Lines metric log: one object per logged step, read line by line by <see cref="LineReader"/>. The step key is
/// chosen on the first object (the first of the dialect's step keys present, else a whole-number <c>epoch</c>, else none:
/// the record index); an object without a usable step then keeps the last step seen and is counted. Numbers (and
/// Python's <c>NaN</c>/<c>Infinity</c>, and numeric strings) become points; nested objects give <c>outer/inner</c> names;
/// W&amp;B media objects (<c>{"_type": …}</c>) and other values are counted and reported. Bookkeeping keys
/// (<see cref="Bookkeeping"/>) give the wall time where they hold it and no series. A line that is not a JSON object is
/// skipped as damage with its line number.
/// </summary>
internal static class JsonlMetricReader
{
    public const string Expected = "a JSON Lines metric log (one JSON object per line, e.g. {\"step\": 10, \"loss\": 0.5})";
    public const int MaxLineBytes = 1 << 20;
    private const int MaxDepth = 4;

    public static MetricTableOptions Generic { get; } = new(Bookkeeping.StepNames, "train", Expected);

    public static Task<MetricTable> ReadAsync(string file, MetricTableOptions options, ImportContext context, CancellationToken cancellationToken) =>
        Task.Run(() => Read(file, options, context, cancellationToken), cancellationToken);

    public static MetricTable Read(string file, MetricTableOptions options, ImportContext context, CancellationToken cancellationToken)
    {
        using var lines = LineReader.Open(file, context, MaxLineBytes);
        return Read(lines, options, cancellationToken);
    }

    public static MetricTable Read(LineReader lines, MetricTableOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentNullException.ThrowIfNull(options);
        var state = new State(lines, options);
        try
        {
            ReadOn(state, cancellationToken);
        }
        catch (IOException ex)
        {
            throw new RunImportException(lines.File, null, "could not be read: " + ex.Message, "check that the file is readable", ex);
        }

        return state.Finish();
    }

    /// <summary>Reads the lines <see cref="State.Lines"/> has left into <paramref name="state"/>; a tailed log calls it again
    /// after its reader is resumed (<see cref="LineReader.Resume"/>), and <see cref="State.Finish"/> with <c>keep</c>
    /// gives the table so far.</summary>
    internal static void ReadOn(State state, CancellationToken cancellationToken)
    {
        var lines = state.Lines;
        while (lines.Next())
        {
            cancellationToken.ThrowIfCancellationRequested();
            state.Records++;
            ReadLine(lines.Current, lines.Number, state);
        }
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
                state.Lines.Skip("not a JSON object");
                return;
            }

            ReadObject(ref reader, "", values, literals, state, line, 0);
            if (reader.Read())
            {
                state.Lines.Skip("more than one JSON value on the line");
                return;
            }
        }
        catch (JsonException ex)
        {
            state.Lines.Skip("invalid JSON: " + PythonJson.Describe(ex));
            return;
        }
        catch (InvalidOperationException ex)
        {
            state.Lines.Skip("invalid JSON: " + ex.Message.TrimEnd('.'));
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
            else if (reader.TokenType == JsonTokenType.StartObject && depth < MaxDepth && !IsTypedObject(reader))
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

    /// <summary>W&amp;B writes media, tables and histograms as objects whose first key is <c>_type</c>: not metrics.</summary>
    private static bool IsTypedObject(Utf8JsonReader reader)
    {
        // a copy of the reader (a struct): looking ahead does not move the caller's
        return reader.Read() && reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("_type"u8);
    }

    /// <summary>Everything collected while reading one file.</summary>
    internal sealed class State
    {
        private readonly string _file;
        private readonly MetricTableOptions _options;
        private readonly SeriesCollector _collector;
        private readonly Dictionary<string, (int Numbers, int Texts, int FirstLine)> _columns = new(StringComparer.Ordinal);
        private readonly List<string> _columnOrder = [];
        private readonly List<string> _bookkeepingOrder = [];
        private readonly HashSet<string> _bookkeepingSeen = new(StringComparer.Ordinal);
        private readonly Dictionary<string, bool> _bookkeepingByName = new(StringComparer.Ordinal);
        private readonly Dictionary<string, double> _lastBookkeeping = new(StringComparer.Ordinal);
        private string? _stepKey;
        private string? _wallKey;
        private bool _stepChosen;
        private long? _lastStep;
        private int _stepless;
        private int _firstStepless;
        private int _usable;
        private long? _maxStep;
        private double? _maxEpoch;
        private double _maxWall = double.NaN;

        public State(LineReader lines, MetricTableOptions options)
        {
            Lines = lines;
            _file = lines.File;
            _options = options;
            _collector = new SeriesCollector(n => MetricNames.Normalize(n, options.BareSplit));
        }

        public LineReader Lines { get; }

        public List<(string Name, double Value)> Row { get; } = [];

        /// <summary>The points as they are read.</summary>
        public SeriesCollector Collector => _collector;

        public int Records { get; set; }

        public void NotNumber(string name, int line)
        {
            if (IsBookkeeping(name))
            {
                Bookkeep(name, double.NaN);
                return;
            }

            var c = Column(name);
            _columns[name] = (c.Numbers, c.Texts + 1, c.FirstLine == 0 ? line : c.FirstLine);
        }

        public void Add(List<(string Name, double Value)> values, int line)
        {
            if (!_stepChosen)
            {
                _stepChosen = true;
                _stepKey = _options.StepColumns.FirstOrDefault(k => values.Any(v => v.Name == k))
                    ?? _options.EpochColumns.FirstOrDefault(k => values.Any(v => v.Name == k && CellValue.Whole(v.Value) is not null)
                        && !values.Any(v => Bookkeeping.IsBatch(v.Name)));
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
            var epochRank = int.MaxValue;
            foreach (var (name, value) in values)
            {
                var rank = IndexOf(_options.EpochColumns, name);
                if (rank >= 0)
                {
                    if (rank < epochRank)
                    {
                        epoch = value;
                        epochRank = rank;
                    }
                }
                else if (name != _stepKey && (_wallKey is null ? IndexOf(Bookkeeping.WallTimeNames, name) >= 0 : _wallKey == name))
                {
                    _wallKey = name;
                    wall = value;
                }
            }

            var any = false;
            foreach (var (name, value) in values)
            {
                if (name == _stepKey || name == _wallKey || IndexOf(_options.EpochColumns, name) >= 0)
                {
                    continue;
                }

                if (IsBookkeeping(name))
                {
                    Bookkeep(name, value);
                    continue;
                }

                var c = Column(name);
                _columns[name] = (c.Numbers + 1, c.Texts, c.FirstLine);
                _collector.Add(name, new SeriesPoint(step, value, epoch, wall));
                any = true;
            }

            if (any)
            {
                if (double.IsFinite(wall) && !(wall <= _maxWall))
                {
                    _maxWall = wall;
                }

                _usable++;
                _maxStep = _maxStep is { } m && m >= step ? m : step;
                if (double.IsFinite(epoch))
                {
                    _maxEpoch = _maxEpoch is { } me && me >= epoch ? me : epoch;
                }
            }
        }

        /// <param name="keep">Leave the state able to read on (the table so far of a tailed log); <paramref name="series"/>
        /// chooses the series by key then.</param>
        public MetricTable Finish(bool keep = false, Func<string, bool>? series = null)
        {
            var file = Path.GetFileName(_file);
            if (Records == 0 && Lines.Damage.Count == 0)
            {
                if (Lines.Cut is { } cut)
                {
                    throw new RunImportException(_file, DamageLog.Line(cut.Line), "the only line is cut short: " + cut.Cause,
                        "the log may still be being written; import it again once a whole line is there");
                }

                throw new RunImportException(_file, null, "the file is empty", "expected " + _options.Expected);
            }

            var events = ImmutableArray.CreateBuilder<RunEvent>();
            events.AddRange(Lines.Events());
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
                    $"{file}: the first object has no whole-number step ({string.Join(", ", _options.StepColumns.Concat(_options.EpochColumns))}); "
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

            if (_bookkeepingOrder.Count > 0)
            {
                events.Add(new RunEvent(RunEventKind.Note,
                    $"{file}: {Quote(_bookkeepingOrder)} count or time the training, not the model; they were not read as metrics", File: _file));
            }

            if (_collector.NameCount == 0)
            {
                if (Lines.Damage.First is { } d)
                {
                    throw new RunImportException(_file, DamageLog.Line(d.Line), "no usable line: " + d.Cause, "check the file; expected " + _options.Expected);
                }

                throw new RunImportException(_file, null, "no numeric values besides steps", "expected " + _options.Expected);
            }

            return new MetricTable(keep ? _collector.Snapshot(series) : _collector.Build(), events.ToImmutable(), [.. _columnOrder], _usable, stepSource, _maxStep, _maxEpoch)
            {
                LastBookkeeping = _lastBookkeeping.ToImmutableDictionary(StringComparer.Ordinal),
                LastWallTime = double.IsFinite(_maxWall) ? _maxWall : null,
            };
        }

        private bool IsBookkeeping(string name)
        {
            if (name == _stepKey || name == _wallKey || IndexOf(_options.EpochColumns, name) >= 0)
            {
                return false;
            }

            if (!_bookkeepingByName.TryGetValue(name, out var yes))
            {
                yes = _options.IsBookkeeping(name); // once per name, not once per value
                _bookkeepingByName[name] = yes;
            }

            return yes;
        }

        private static int IndexOf(IReadOnlyList<string> names, string name)
        {
            for (var i = 0; i < names.Count; i++)
            {
                if (names[i] == name)
                {
                    return i;
                }
            }

            return -1;
        }

        private void Bookkeep(string name, double value)
        {
            if (_bookkeepingSeen.Add(name))
            {
                _bookkeepingOrder.Add(name);
            }

            if (!double.IsNaN(value))
            {
                _lastBookkeeping[name] = value;
            }
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

    /// <summary><c>'a', 'b' and 3 more</c>.</summary>
    internal static string Quote(IReadOnlyList<string> names)
    {
        var shown = string.Join(", ", names.Take(6).Select(n => "'" + n + "'"));
        return names.Count > 6 ? $"{shown} and {names.Count - 6} more" : shown;
    }
}

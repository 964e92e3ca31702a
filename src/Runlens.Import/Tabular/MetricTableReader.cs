using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Runlens.Import.Core;
using Runlens.Model;

namespace Runlens.Import.Tabular;

/// <summary>
/// Reads a metric CSV (header row, then one row per logged step; rows may fill only some columns) into series. An empty
/// cell is no point; <c>nan</c>/<c>inf</c> are values. A damaged row (wrong number of fields, a quote left open, an unusable
/// step) is skipped and reported with its line; text in a numeric column is skipped and counted; a column holding only
/// text is ignored with a note. Bookkeeping columns (<see cref="Bookkeeping"/>: batch counters, progress, elapsed time,
/// throughput…) give the step, epoch or wall time where they mean that and no series; with a batch counter and no step
/// column the rows are batches, so the row index is the step. Nothing usable at all throws
/// <see cref="RunImportException"/> with file, line and cause.
/// </summary>
internal static class MetricTableReader
{
    private const long ReportEveryChars = 1 << 20;

    /// <summary>Files smaller than this are read on the caller's thread (see <see cref="ReadAsync"/>).</summary>
    private const long ReadOnThreadBelowBytes = 1 << 20;

    /// <summary>Reads on a pool thread; a small file on this one: handing it to the pool would start a thread for a read of
    /// microseconds and make every awaiting method box its state, all JIT-compiled at start-up.</summary>
    public static Task<MetricTable> ReadAsync(string file, MetricTableOptions options, ImportContext context, CancellationToken cancellationToken)
    {
        if (new FileInfo(file) is not { Exists: true, Length: < ReadOnThreadBelowBytes })
        {
            return Task.Run(() => Read(file, options, context, cancellationToken), cancellationToken);
        }

        try
        {
            return Task.FromResult(Read(file, options, context, cancellationToken));
        }
        catch (Exception ex)
        {
            return Task.FromException<MetricTable>(ex);
        }
    }

    public static MetricTable Read(string file, MetricTableOptions options, ImportContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            using var stream = LiveFile.Open(file, context);
            using var text = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            return Read(file, text, stream.Length, options, context, cancellationToken);
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

    public static MetricTable Read(string file, TextReader text, long length, MetricTableOptions options, ImportContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(context);
        var state = State.Start(file, new CsvRecordReader(text), options)
            ?? throw new RunImportException(file, null, "the file is empty", "expected " + options.Expected + " with a header row");
        state.ReadOn(context, length, cancellationToken);
        context.Report(file, length, length);
        return state.Finish();
    }

    /// <summary>Everything collected while reading one file: the header's meaning, then the rows. A tailed log keeps it
    /// for the whole watch, reads on when the file grows (<see cref="ReadOn"/> after <see cref="CsvRecordReader.Resume"/>),
    /// and takes the table so far with <see cref="Finish"/>'s <c>keep</c>.</summary>
    internal sealed class State
    {
        private readonly string _file;
        private readonly CsvRecordReader _reader;
        private readonly MetricTableOptions _options;
        private readonly List<string> _fields = [];
        private readonly List<RunEvent> _headerNotes;
        private readonly string[] _header;
        private readonly int _headerLine;
        private readonly int _epochColumn;
        private readonly int _wallColumn;
        private readonly bool _batchRows;
        private readonly bool _stepFromEpoch;
        private readonly int[] _bookkeeping;
        private readonly int[] _metricColumns;
        private readonly Dictionary<string, double> _lastBookkeeping = new(StringComparer.Ordinal);
        private readonly SeriesCollector _collector;
        private readonly int[] _numbers;
        private readonly int[] _texts;
        private readonly int[] _firstText;
        private readonly DamageLog _damage;
        private int _stepColumn;
        private int _stepless;
        private int _firstStepless;
        private int _rows;
        private int _records;
        private long? _maxStep;
        private double? _maxEpoch;
        private bool _epochChecked;

        private State(string file, CsvRecordReader reader, MetricTableOptions options, List<string> fields, int headerLine)
        {
            _file = file;
            _reader = reader;
            _options = options;
            _headerLine = headerLine;
            _headerNotes = [];
            _header = Header(file, fields, headerLine, _headerNotes, options);
            var header = _header;
            var lookup = Index(header);
            _stepColumn = options.StepColumns.Select(c => lookup.GetValueOrDefault(c, -1)).FirstOrDefault(i => i >= 0, -1);
            _epochColumn = lookup.GetValueOrDefault("epoch", -1);
            _batchRows = header.Any(Bookkeeping.IsBatch);
            _stepFromEpoch = _stepColumn < 0 && _epochColumn >= 0 && !_batchRows;
            if (_stepFromEpoch)
            {
                _stepColumn = _epochColumn;
            }

            var stepColumn = _stepColumn;
            var epochColumn = _epochColumn;
            _wallColumn = Bookkeeping.WallTimeNames.Select(c => lookup.GetValueOrDefault(c, -1))
                .FirstOrDefault(i => i >= 0 && i != stepColumn && i != epochColumn, -1);
            var wallColumn = _wallColumn;
            _bookkeeping = Enumerable.Range(0, header.Length)
                .Where(i => i != stepColumn && i != epochColumn && i != wallColumn && options.IsBookkeeping(header[i])).ToArray();
            var bookkeeping = _bookkeeping;
            _metricColumns = Enumerable.Range(0, header.Length)
                .Where(i => i != stepColumn && i != epochColumn && i != wallColumn && !bookkeeping.Contains(i)).ToArray();
            var keys = ColumnKeys.Assign(_metricColumns.Select(i => header[i]), options.BareSplit);
            _collector = new SeriesCollector(n => keys[n]);
            _numbers = new int[header.Length];
            _texts = new int[header.Length];
            _firstText = new int[header.Length];
            _damage = new DamageLog(file);
        }

        /// <summary>The points as they are read.</summary>
        public SeriesCollector Collector => _collector;

        /// <summary>Reads the header row: the state for the rows after it, or null when there is no record at all yet.</summary>
        /// <exception cref="RunImportException">The header row is damaged or holds numbers.</exception>
        public static State? Start(string file, CsvRecordReader reader, MetricTableOptions options)
        {
            var fields = new List<string>();
            if (!reader.Read(fields, out var headerRecord))
            {
                return null;
            }

            if (headerRecord.Status != CsvRecordStatus.Ok)
            {
                throw new RunImportException(file, DamageLog.Line(headerRecord.Line), "the header row is damaged ("
                    + (headerRecord.Status == CsvRecordStatus.OpenQuote ? "a quote never closes" : "longer than any header") + ")",
                    "expected " + options.Expected);
            }

            return new State(file, reader, options, fields, headerRecord.Line);
        }

        /// <summary>Reads the records the record reader has left.</summary>
        public void ReadOn(ImportContext context, long length, CancellationToken cancellationToken)
        {
            var reader = _reader;
            var fields = _fields;
            var header = _header;
            var nextReport = reader.CharsRead + ReportEveryChars;
            while (reader.Read(fields, out var record))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (reader.CharsRead >= nextReport)
                {
                    context.Report(_file, reader.CharsRead, length);
                    nextReport = reader.CharsRead + ReportEveryChars;
                }

                var index = _records++;
                if (record.Status != CsvRecordStatus.Ok)
                {
                    _damage.Add(record.Line, record.Status == CsvRecordStatus.OpenQuote
                        ? "a quoted field is never closed before the end of the file"
                        : $"the row is longer than {CsvRecordReader.MaxRecordChars} characters");
                    continue;
                }

                if (fields.Count == header.Length + 1 && fields[^1].Length == 0)
                {
                    fields.RemoveAt(fields.Count - 1); // a trailing delimiter
                }

                if (fields.Count != header.Length)
                {
                    _damage.Add(record.Line, $"{fields.Count} fields where the header has {header.Length}");
                    continue;
                }

                long step = index;
                if (_stepFromEpoch && !_epochChecked)
                {
                    // fractional epochs (0.25, 0.5, ...) are no steps: then the row index is, for the whole file
                    _epochChecked = true;
                    if (CellValue.Parse(fields[_stepColumn], out var firstEpoch) == CellKind.Number && CellValue.Whole(firstEpoch) is null)
                    {
                        _stepColumn = -1;
                    }
                }

                if (_stepColumn >= 0)
                {
                    if (CellValue.Step(fields[_stepColumn]) is not { } s)
                    {
                        _stepless++;
                        _firstStepless = _firstStepless == 0 ? record.Line : _firstStepless;
                        continue;
                    }

                    step = s;
                }

                _rows++;
                var epoch = double.NaN;
                if (_epochColumn >= 0 && CellValue.Parse(fields[_epochColumn], out var e) == CellKind.Number)
                {
                    epoch = e;
                }

                var wall = double.NaN;
                if (_wallColumn >= 0 && CellValue.Parse(fields[_wallColumn], out var w) == CellKind.Number)
                {
                    wall = w;
                }

                foreach (var c in _bookkeeping)
                {
                    if (CellValue.Parse(fields[c], out var b) == CellKind.Number)
                    {
                        _lastBookkeeping[header[c]] = b;
                    }
                }

                var any = false;
                foreach (var c in _metricColumns)
                {
                    switch (CellValue.Parse(fields[c], out var v))
                    {
                        case CellKind.Number:
                            _collector.Add(header[c], new SeriesPoint(step, v, epoch, wall));
                            _numbers[c]++;
                            any = true;
                            break;
                        case CellKind.Text:
                            _texts[c]++;
                            _firstText[c] = _firstText[c] == 0 ? record.Line : _firstText[c];
                            break;
                    }
                }

                if (any)
                {
                    _maxStep = _maxStep is { } m && m >= step ? m : step;
                    if (double.IsFinite(epoch))
                    {
                        _maxEpoch = _maxEpoch is { } me && me >= epoch ? me : epoch;
                    }
                }
            }
        }

        /// <summary>The table read so far.</summary>
        /// <param name="keep">Leave the state able to read on (the table so far of a tailed log); <paramref name="series"/>
        /// chooses the series by key then.</param>
        /// <exception cref="RunImportException">No data rows, or nothing usable in them.</exception>
        public MetricTable Finish(bool keep = false, Func<string, bool>? series = null)
        {
            var file = _file;
            var header = _header;
            var options = _options;
            var stepSource = _stepColumn >= 0 ? header[_stepColumn] : "row index";
            if (_records == 0)
            {
                throw new RunImportException(file, DamageLog.Line(_headerLine + 1), "the header is there but no data rows follow it",
                    "the run may not have logged anything yet; expected " + options.Expected);
            }

            var notes = new List<RunEvent>(_headerNotes);
            var events = ImmutableArray.CreateBuilder<RunEvent>();
            events.AddRange(_damage.Events());
            if (_stepless > 0)
            {
                events.Add(new RunEvent(RunEventKind.ImportDamage,
                    $"{Path.GetFileName(file)}: {_stepless} rows without a usable '{stepSource}' value were skipped (first at line {_firstStepless})",
                    File: file, Location: DamageLog.Line(_firstStepless)));
            }

            foreach (var c in _metricColumns)
            {
                if (_texts[c] > 0 && _numbers[c] == 0)
                {
                    notes.Add(new RunEvent(RunEventKind.Note,
                        $"{Path.GetFileName(file)}: column '{header[c]}' was ignored: it holds text, not numbers (first at line {_firstText[c]})",
                        File: file, Location: DamageLog.Line(_firstText[c])));
                }
                else if (_texts[c] > 0)
                {
                    notes.Add(new RunEvent(RunEventKind.Warning,
                        $"{Path.GetFileName(file)}: column '{header[c]}' has {_texts[c]} cells that are not numbers; they were skipped (first at line {_firstText[c]})",
                        File: file, Location: DamageLog.Line(_firstText[c])));
                }
            }

            if (_bookkeeping.Length > 0)
            {
                notes.Add(new RunEvent(RunEventKind.Note,
                    $"{Path.GetFileName(file)}: {JsonlMetricReader.Quote([.. _bookkeeping.Select(i => header[i])])} count or time the training, not the model; "
                    + "they were not read as metrics", File: file));
            }

            if (_collector.NameCount == 0)
            {
                throw Unusable(file, options, _metricColumns.Length, _damage, _stepless, _firstStepless, stepSource, _headerLine + 1);
            }

            if (_stepColumn < 0 && !(_batchRows && _epochColumn >= 0))
            {
                events.Add(new RunEvent(RunEventKind.Note,
                    $"{Path.GetFileName(file)} has no usable step column ({string.Join(", ", options.StepColumns.Append("epoch"))}); "
                    + "each point's step is its 0-based row number", File: file));
            }

            if (_stepColumn < 0 && _batchRows && _epochColumn >= 0)
            {
                events.Add(new RunEvent(RunEventKind.Note,
                    $"{Path.GetFileName(file)}: a batch counter shows one row per batch, so each point's step is its 0-based row number and 'epoch' its epoch",
                    File: file));
            }

            events.AddRange(notes);
            return new MetricTable(keep ? _collector.Snapshot(series) : _collector.Build(), events.ToImmutable(), [.. header], _rows, stepSource, _maxStep, _maxEpoch)
            {
                LastBookkeeping = _lastBookkeeping.ToImmutableDictionary(StringComparer.Ordinal),
            };
        }
    }

    private static string[] Header(string file, List<string> fields, int line, List<RunEvent> notes, MetricTableOptions options)
    {
        var header = new string[fields.Count];
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var numeric = 0;
        for (var i = 0; i < fields.Count; i++)
        {
            var name = fields[i].Trim().Trim('\uFEFF').Trim();
            if (CellValue.Parse(name, out _) == CellKind.Number)
            {
                numeric++;
            }

            if (name.Length == 0)
            {
                name = "column " + (i + 1).ToString(CultureInfo.InvariantCulture);
            }

            if (seen.TryGetValue(name, out var count))
            {
                seen[name] = count + 1;
                var renamed = name + "#" + (count + 1).ToString(CultureInfo.InvariantCulture);
                notes.Add(new RunEvent(RunEventKind.Note,
                    $"{Path.GetFileName(file)}: column '{name}' appears more than once; column {i + 1} was read as '{renamed}'",
                    File: file, Location: DamageLog.Line(line)));
                name = renamed;
            }
            else
            {
                seen[name] = 1;
            }

            header[i] = name;
        }

        if (numeric == fields.Count)
        {
            throw new RunImportException(file, DamageLog.Line(line), "the first row holds numbers, not column names",
                "expected " + options.Expected + " whose first row names the columns");
        }

        return header;
    }

    private static Dictionary<string, int> Index(string[] header)
    {
        var lookup = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < header.Length; i++)
        {
            lookup.TryAdd(header[i], i);
        }

        return lookup;
    }

    private static RunImportException Unusable(string file, MetricTableOptions options, int metricColumns, DamageLog damage,
        int stepless, int firstStepless, string stepSource, int firstDataLine)
    {
        if (metricColumns == 0)
        {
            return new RunImportException(file, DamageLog.Line(firstDataLine - 1), "no metric columns besides the step and epoch",
                "expected " + options.Expected);
        }

        if (damage.First is { } d)
        {
            return new RunImportException(file, DamageLog.Line(d.Line), "no usable row: " + d.Cause,
                "check the file; expected " + options.Expected);
        }

        if (stepless > 0)
        {
            return new RunImportException(file, DamageLog.Line(firstStepless), $"no row has a usable '{stepSource}' value",
                "steps must be whole numbers; expected " + options.Expected);
        }

        return new RunImportException(file, DamageLog.Line(firstDataLine), "no numeric values in any metric column",
            "expected " + options.Expected + " with numbers in its metric columns");
    }
}

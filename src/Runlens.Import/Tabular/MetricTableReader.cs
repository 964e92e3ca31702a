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

    public static Task<MetricTable> ReadAsync(string file, MetricTableOptions options, ImportContext context, CancellationToken cancellationToken) =>
        Task.Run(() => Read(file, options, context, cancellationToken), cancellationToken);

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
        var reader = new CsvRecordReader(text);
        var fields = new List<string>();
        if (!reader.Read(fields, out var headerRecord))
        {
            throw new RunImportException(file, null, "the file is empty", "expected " + options.Expected + " with a header row");
        }

        if (headerRecord.Status != CsvRecordStatus.Ok)
        {
            throw new RunImportException(file, DamageLog.Line(headerRecord.Line), "the header row is damaged ("
                + (headerRecord.Status == CsvRecordStatus.OpenQuote ? "a quote never closes" : "longer than any header") + ")",
                "expected " + options.Expected);
        }

        var notes = new List<RunEvent>();
        var header = Header(file, fields, headerRecord.Line, notes, options);
        var lookup = Index(header);
        var stepColumn = options.StepColumns.Select(c => lookup.GetValueOrDefault(c, -1)).FirstOrDefault(i => i >= 0, -1);
        var epochColumn = lookup.GetValueOrDefault("epoch", -1);
        var batchRows = header.Any(Bookkeeping.IsBatch);
        var stepFromEpoch = stepColumn < 0 && epochColumn >= 0 && !batchRows;
        if (stepFromEpoch)
        {
            stepColumn = epochColumn;
        }

        var wallColumn = Bookkeeping.WallTimeNames.Select(c => lookup.GetValueOrDefault(c, -1))
            .FirstOrDefault(i => i >= 0 && i != stepColumn && i != epochColumn, -1);
        var bookkeeping = Enumerable.Range(0, header.Length)
            .Where(i => i != stepColumn && i != epochColumn && i != wallColumn && options.IsBookkeeping(header[i])).ToArray();
        var metricColumns = Enumerable.Range(0, header.Length)
            .Where(i => i != stepColumn && i != epochColumn && i != wallColumn && !bookkeeping.Contains(i)).ToArray();
        var lastBookkeeping = new Dictionary<string, double>(StringComparer.Ordinal);
        var keys = ColumnKeys.Assign(metricColumns.Select(i => header[i]), options.BareSplit);
        var collector = new SeriesCollector(n => keys[n]);
        var numbers = new int[header.Length];
        var texts = new int[header.Length];
        var firstText = new int[header.Length];
        var damage = new DamageLog(file);
        var stepless = 0;
        var firstStepless = 0;
        var rows = 0;
        var records = 0;
        long? maxStep = null;
        double? maxEpoch = null;
        var nextReport = ReportEveryChars;
        var epochChecked = false;

        while (reader.Read(fields, out var record))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (reader.CharsRead >= nextReport)
            {
                context.Report(file, reader.CharsRead, length);
                nextReport = reader.CharsRead + ReportEveryChars;
            }

            var index = records++;
            if (record.Status != CsvRecordStatus.Ok)
            {
                damage.Add(record.Line, record.Status == CsvRecordStatus.OpenQuote
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
                damage.Add(record.Line, $"{fields.Count} fields where the header has {header.Length}");
                continue;
            }

            long step = index;
            if (stepFromEpoch && !epochChecked)
            {
                // fractional epochs (0.25, 0.5, ...) are no steps: then the row index is, for the whole file
                epochChecked = true;
                if (CellValue.Parse(fields[stepColumn], out var firstEpoch) == CellKind.Number && CellValue.Whole(firstEpoch) is null)
                {
                    stepColumn = -1;
                }
            }

            if (stepColumn >= 0)
            {
                if (CellValue.Step(fields[stepColumn]) is not { } s)
                {
                    stepless++;
                    firstStepless = firstStepless == 0 ? record.Line : firstStepless;
                    continue;
                }

                step = s;
            }

            rows++;
            var epoch = double.NaN;
            if (epochColumn >= 0 && CellValue.Parse(fields[epochColumn], out var e) == CellKind.Number)
            {
                epoch = e;
            }

            var wall = double.NaN;
            if (wallColumn >= 0 && CellValue.Parse(fields[wallColumn], out var w) == CellKind.Number)
            {
                wall = w;
            }

            foreach (var c in bookkeeping)
            {
                if (CellValue.Parse(fields[c], out var b) == CellKind.Number)
                {
                    lastBookkeeping[header[c]] = b;
                }
            }

            var any = false;
            foreach (var c in metricColumns)
            {
                switch (CellValue.Parse(fields[c], out var v))
                {
                    case CellKind.Number:
                        collector.Add(header[c], new SeriesPoint(step, v, epoch, wall));
                        numbers[c]++;
                        any = true;
                        break;
                    case CellKind.Text:
                        texts[c]++;
                        firstText[c] = firstText[c] == 0 ? record.Line : firstText[c];
                        break;
                }
            }

            if (any)
            {
                maxStep = maxStep is { } m && m >= step ? m : step;
                if (double.IsFinite(epoch))
                {
                    maxEpoch = maxEpoch is { } me && me >= epoch ? me : epoch;
                }
            }
        }

        context.Report(file, length, length);
        var stepSource = stepColumn >= 0 ? header[stepColumn] : "row index";
        if (records == 0)
        {
            throw new RunImportException(file, DamageLog.Line(headerRecord.Line + 1), "the header is there but no data rows follow it",
                "the run may not have logged anything yet; expected " + options.Expected);
        }

        var events = ImmutableArray.CreateBuilder<RunEvent>();
        events.AddRange(damage.Events());
        if (stepless > 0)
        {
            events.Add(new RunEvent(RunEventKind.ImportDamage,
                $"{Path.GetFileName(file)}: {stepless} rows without a usable '{stepSource}' value were skipped (first at line {firstStepless})",
                File: file, Location: DamageLog.Line(firstStepless)));
        }

        foreach (var c in metricColumns)
        {
            if (texts[c] > 0 && numbers[c] == 0)
            {
                notes.Add(new RunEvent(RunEventKind.Note,
                    $"{Path.GetFileName(file)}: column '{header[c]}' was ignored: it holds text, not numbers (first at line {firstText[c]})",
                    File: file, Location: DamageLog.Line(firstText[c])));
            }
            else if (texts[c] > 0)
            {
                notes.Add(new RunEvent(RunEventKind.Warning,
                    $"{Path.GetFileName(file)}: column '{header[c]}' has {texts[c]} cells that are not numbers; they were skipped (first at line {firstText[c]})",
                    File: file, Location: DamageLog.Line(firstText[c])));
            }
        }

        if (bookkeeping.Length > 0)
        {
            notes.Add(new RunEvent(RunEventKind.Note,
                $"{Path.GetFileName(file)}: {JsonlMetricReader.Quote([.. bookkeeping.Select(i => header[i])])} count or time the training, not the model; "
                + "they were not read as metrics", File: file));
        }

        if (collector.NameCount == 0)
        {
            throw Unusable(file, options, metricColumns.Length, damage, stepless, firstStepless, stepSource, headerRecord.Line + 1);
        }

        if (stepColumn < 0 && !(batchRows && epochColumn >= 0))
        {
            events.Add(new RunEvent(RunEventKind.Note,
                $"{Path.GetFileName(file)} has no usable step column ({string.Join(", ", options.StepColumns.Append("epoch"))}); "
                + "each point's step is its 0-based row number", File: file));
        }

        if (stepColumn < 0 && batchRows && epochColumn >= 0)
        {
            events.Add(new RunEvent(RunEventKind.Note,
                $"{Path.GetFileName(file)}: a batch counter shows one row per batch, so each point's step is its 0-based row number and 'epoch' its epoch",
                File: file));
        }

        events.AddRange(notes);
        return new MetricTable(collector.Build(), events.ToImmutable(), [.. header], rows, stepSource, maxStep, maxEpoch)
        {
            LastBookkeeping = lastBookkeeping.ToImmutableDictionary(StringComparer.Ordinal),
        };
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

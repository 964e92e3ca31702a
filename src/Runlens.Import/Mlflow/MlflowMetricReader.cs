using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Runlens.Model;

namespace Runlens.Import.Mlflow;

/// <summary>
/// Reads one MLflow file-store metric file: one point per line, <c>timestamp value step</c> (timestamp in ms since the
/// Unix epoch; MLflow before 1.0 wrote <c>timestamp value</c> without a step, read as step 0, as MLflow's own
/// FileStore reader does; like it, any other number of fields is malformed). Values are Python floats as text, so <c>nan</c>, <c>inf</c>, <c>-inf</c>,
/// <c>NaN</c>, <c>Infinity</c> are legal. Parsed from UTF-8 bytes in 64 KiB blocks with no string per line.
/// Malformed lines are skipped and reported (the first one by line number, with a count); the points around them are kept.
/// </summary>
internal sealed class MlflowMetricReader
{
    private const int BlockSize = 1 << 16;
    private const int MaxLineBytes = 1 << 20;

    private readonly SeriesCollector _into;
    private readonly string _name;
    private long _line;
    private bool _skippingLongLine;
    private bool _sawStep;

    private MlflowMetricReader(SeriesCollector into, string name)
    {
        _into = into;
        _name = name;
    }

    public int Points { get; private set; }

    public int BadLines { get; private set; }

    public long FirstBadLine { get; private set; }

    public string? FirstBadCause { get; private set; }

    /// <summary>The last line had no line end (MLflow ends every line with one: the file was cut while written).</summary>
    public long? UnterminatedLine { get; private set; }

    public long MaxStep { get; private set; } = long.MinValue;

    /// <summary>Reads <paramref name="file"/> into <paramref name="into"/> under the original name <paramref name="name"/>.</summary>
    public static async Task<MlflowMetricReader> ReadAsync(string file, string name, SeriesCollector into, ImportContext context, CancellationToken cancellationToken)
    {
        var reader = new MlflowMetricReader(into, name);
        var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
        await using (stream.ConfigureAwait(false))
        {
            var total = stream.Length;
            var buffer = ArrayPool<byte>.Shared.Rent(BlockSize);
            try
            {
                var filled = 0;
                long done = 0;
                while (true)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (filled == buffer.Length)
                    {
                        // one line fills the whole buffer: grow up to the line limit, then give the line up
                        if (buffer.Length < MaxLineBytes)
                        {
                            var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                            Array.Copy(buffer, bigger, filled);
                            ArrayPool<byte>.Shared.Return(buffer);
                            buffer = bigger;
                        }
                        else
                        {
                            if (!reader._skippingLongLine)
                            {
                                reader.Bad(reader._line + 1, "line longer than 1 MiB");
                                reader._skippingLongLine = true;
                            }

                            filled = 0;
                        }
                    }

                    var n = await stream.ReadAsync(buffer.AsMemory(filled, buffer.Length - filled), cancellationToken).ConfigureAwait(false);
                    if (n == 0)
                    {
                        break;
                    }

                    filled += n;
                    done += n;
                    var consumed = reader.ParseLines(buffer.AsSpan(0, filled));
                    if (consumed > 0)
                    {
                        Array.Copy(buffer, consumed, buffer, 0, filled - consumed);
                        filled -= consumed;
                    }

                    context.Report(file, done, total);
                }

                if (filled > 0)
                {
                    reader.LastLine(buffer.AsSpan(0, filled));
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        return reader;
    }

    /// <summary>Parses every complete line in <paramref name="data"/>; returns the bytes consumed.</summary>
    private int ParseLines(ReadOnlySpan<byte> data)
    {
        var at = 0;
        while (at < data.Length)
        {
            var nl = data[at..].IndexOf((byte)'\n');
            if (nl < 0)
            {
                break;
            }

            if (_skippingLongLine)
            {
                // the rest of a line already reported as too long
                _skippingLongLine = false;
                _line++;
            }
            else
            {
                _line++;
                ParseLine(data.Slice(at, nl));
            }

            at += nl + 1;
        }

        return at;
    }

    private void LastLine(ReadOnlySpan<byte> data)
    {
        _line++;
        if (_skippingLongLine)
        {
            return;
        }

        var before = Points;
        ParseLine(data);
        if (Points > before)
        {
            UnterminatedLine = _line;
        }
    }

    private void ParseLine(ReadOnlySpan<byte> line)
    {
        line = Trim(line);
        if (line.IsEmpty)
        {
            return;
        }

        var f1 = NextField(ref line);
        var f2 = NextField(ref line);
        var f3 = NextField(ref line);
        if (!line.IsEmpty)
        {
            Bad(_line, "more than 3 fields (expected 'timestamp value step')");
            return;
        }

        if (f2.IsEmpty)
        {
            Bad(_line, "fewer than 2 fields (expected 'timestamp value step')");
            return;
        }

        if (!Utf8Parser.TryParse(f1, out long timestamp, out var used) || used != f1.Length)
        {
            Bad(_line, "the timestamp is not an integer");
            return;
        }

        if (!TryParseValue(f2, out var value))
        {
            Bad(_line, "the value is not a number");
            return;
        }

        long step = 0;
        if (!f3.IsEmpty)
        {
            if (!Utf8Parser.TryParse(f3, out step, out used) || used != f3.Length)
            {
                Bad(_line, "the step is not an integer");
                return;
            }

            _sawStep = true;
        }
        else if (_sawStep)
        {
            // earlier lines had a step: a line without one was cut
            Bad(_line, "the step is missing (expected 'timestamp value step')");
            return;
        }

        _into.Add(_name, new SeriesPoint(step, value, double.NaN, timestamp / 1000.0));
        Points++;
        if (step > MaxStep)
        {
            MaxStep = step;
        }
    }

    private void Bad(long line, string cause)
    {
        if (BadLines == 0)
        {
            FirstBadLine = line;
            FirstBadCause = cause;
        }

        BadLines++;
    }

    /// <summary>Parses a Python float as written by <c>str(float)</c>: decimal, exponent, <c>nan</c>, <c>inf</c>,
    /// <c>-inf</c>, and the spellings other writers use (<c>NaN</c>, <c>Infinity</c>).</summary>
    internal static bool TryParseValue(ReadOnlySpan<byte> text, out double value)
    {
        if (Utf8Parser.TryParse(text, out value, out var used) && used == text.Length)
        {
            return true;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
        {
            return true;
        }

        var sign = 1.0;
        var t = text;
        if (t.Length > 0 && (t[0] == (byte)'-' || t[0] == (byte)'+'))
        {
            sign = t[0] == (byte)'-' ? -1.0 : 1.0;
            t = t[1..];
        }

        if (Ascii.EqualsIgnoreCase(t, "nan"u8))
        {
            value = double.NaN;
            return true;
        }

        if (Ascii.EqualsIgnoreCase(t, "inf"u8) || Ascii.EqualsIgnoreCase(t, "infinity"u8))
        {
            value = sign * double.PositiveInfinity;
            return true;
        }

        value = 0;
        return false;
    }

    private static ReadOnlySpan<byte> NextField(ref ReadOnlySpan<byte> rest)
    {
        var i = 0;
        while (i < rest.Length && rest[i] is not ((byte)' ' or (byte)'\t'))
        {
            i++;
        }

        var field = rest[..i];
        while (i < rest.Length && rest[i] is (byte)' ' or (byte)'\t')
        {
            i++;
        }

        rest = rest[i..];
        return field;
    }

    private static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> s)
    {
        var start = 0;
        var end = s.Length;
        while (start < end && s[start] is (byte)' ' or (byte)'\t' or (byte)'\r')
        {
            start++;
        }

        while (end > start && s[end - 1] is (byte)' ' or (byte)'\t' or (byte)'\r')
        {
            end--;
        }

        return s[start..end];
    }
}

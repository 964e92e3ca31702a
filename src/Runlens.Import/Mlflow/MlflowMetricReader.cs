using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Runlens.Import.Core;
using Runlens.Model;

namespace Runlens.Import.Mlflow;

/// <summary>
/// Reads one MLflow file-store metric file: one point per line, <c>timestamp value step</c> (timestamp in ms since the
/// Unix epoch; MLflow before 1.0 wrote <c>timestamp value</c> without a step, read as step 0, as MLflow's own
/// FileStore reader does; like it, any other number of fields is malformed). Values are Python floats as text, so <c>nan</c>, <c>inf</c>, <c>-inf</c>,
/// <c>NaN</c>, <c>Infinity</c> are legal. Parsed from UTF-8 bytes with no string per line.
/// Lines come from <see cref="LineReader"/>; malformed lines are skipped and reported (the first one by line number, with a
/// count); the points around them are kept.
/// </summary>
internal sealed class MlflowMetricReader
{
    internal const int MaxLineBytes = 1 << 20;

    private readonly SeriesCollector _into;
    private readonly string _name;
    private bool _sawStep;

    private MlflowMetricReader(SeriesCollector into, string name)
    {
        _into = into;
        _name = name;
    }

    public int Points { get; private set; }

    /// <summary>Lines that could not be read (<see cref="LineReader"/> keeps them).</summary>
    public int BadLines { get; private set; }

    public long FirstBadLine { get; private set; }

    public string? FirstBadCause { get; private set; }

    /// <summary>The last line had no line end (MLflow ends every line with one: the file was cut while written).</summary>
    public long? UnterminatedLine { get; private set; }

    public long MaxStep { get; private set; } = long.MinValue;

    /// <summary>Reads <paramref name="file"/> into <paramref name="into"/> under the original name <paramref name="name"/>.</summary>
    public static MlflowMetricReader Read(string file, string name, SeriesCollector into, ImportContext context, CancellationToken cancellationToken)
    {
        var reader = new MlflowMetricReader(into, name);
        using var lines = new LineReader(file, LiveFile.Open(file, context), context, MaxLineBytes);
        reader.ReadOn(lines, cancellationToken);
        return reader;
    }

    /// <summary>A reader of one metric into <paramref name="into"/> that a tailed metric file keeps for the whole watch.</summary>
    internal static MlflowMetricReader Tail(string name, SeriesCollector into) => new(into, name);

    /// <summary>Reads the lines <paramref name="lines"/> has left (a tailed file calls it again after
    /// <see cref="LineReader.Resume"/>) and counts the damage so far.</summary>
    internal void ReadOn(LineReader lines, CancellationToken cancellationToken)
    {
        while (lines.Next())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (ParseLine(lines.Current) is { } cause)
            {
                lines.Skip(cause);
            }
            else if (!lines.Terminated)
            {
                UnterminatedLine = lines.Number;
            }
        }

        BadLines = lines.Damage.Count + (lines.Cut is null ? 0 : 1);
        var first = lines.Damage.First ?? lines.Cut;
        if (first is { } f)
        {
            FirstBadLine = f.Line;
            FirstBadCause = f.Cause;
        }
    }

    /// <summary>Reads one line into a point; returns why it is unusable, or null.</summary>
    private string? ParseLine(ReadOnlySpan<byte> line)
    {
        line = Trim(line);
        if (line.IsEmpty)
        {
            return null;
        }

        var f1 = NextField(ref line);
        var f2 = NextField(ref line);
        var f3 = NextField(ref line);
        if (!line.IsEmpty)
        {
            return "more than 3 fields (expected 'timestamp value step')";
        }

        if (f2.IsEmpty)
        {
            return "fewer than 2 fields (expected 'timestamp value step')";
        }

        if (!Utf8Parser.TryParse(f1, out long timestamp, out var used) || used != f1.Length)
        {
            return "the timestamp is not an integer";
        }

        if (!TryParseValue(f2, out var value))
        {
            return "the value is not a number";
        }

        long step = 0;
        if (!f3.IsEmpty)
        {
            if (!Utf8Parser.TryParse(f3, out step, out used) || used != f3.Length)
            {
                return "the step is not an integer";
            }

            _sawStep = true;
        }
        else if (_sawStep)
        {
            // earlier lines had a step: a line without one was cut
            return "the step is missing (expected 'timestamp value step')";
        }

        _into.Add(_name, new SeriesPoint(step, value, double.NaN, timestamp / 1000.0));
        Points++;
        if (step > MaxStep)
        {
            MaxStep = step;
        }

        return null;
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

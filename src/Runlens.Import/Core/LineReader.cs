using System.Globalization;
using Runlens.Model;

namespace Runlens.Import.Core;

/// <summary>
/// The one reader of line-based logs (JSON Lines metric logs, the Runlens callback's <c>runlens.jsonl</c>, LLaMA-Factory's
/// <c>trainer_log.jsonl</c>, W&amp;B's <c>wandb-history.jsonl</c>, MLflow metric files). It yields each non-blank line
/// (LF or CRLF ends, a byte order mark removed) with its 1-based number and byte offset, and keeps the damage the caller
/// finds: <see cref="Skip"/> records a bad line (file, line, cause) and the reading goes on, so every line before and
/// after it is kept. A last line without its line end that does not parse was cut short (the writer was stopped, or is
/// still writing it): it is left out and reported once. In live mode (<see cref="ImportContext.Live"/>) the file is read
/// only up to its last line end, so a line still being written is left for the next look and is no damage at all.
/// Lines longer than the limit are skipped as damage without being held in memory. Progress is reported per 64 KiB block.
/// </summary>
internal sealed class LineReader : IDisposable
{
    private readonly Stream _stream;
    private readonly ImportContext _context;
    private readonly int _maxLineBytes;
    private readonly byte[] _buffer = new byte[1 << 16];
    private readonly long _length;
    private byte[] _line = new byte[1024];
    private int _lineLength;
    private int _pos;
    private int _len;
    private long _read;
    private bool _done;
    private (int Line, string Cause)? _cut;

    public LineReader(string file, Stream stream, ImportContext context, int maxLineBytes)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(context);
        File = file;
        _stream = stream;
        _context = context;
        _maxLineBytes = maxLineBytes;
        _length = stream.CanSeek ? stream.Length : -1;
        Damage = new DamageLog(file);
    }

    public string File { get; }

    /// <summary>Bad lines reported so far (the cut last line is not among them).</summary>
    public DamageLog Damage { get; }

    /// <summary>1-based number of the current line.</summary>
    public int Number { get; private set; }

    /// <summary>Byte offset of the current line's first byte.</summary>
    public long Offset { get; private set; }

    /// <summary>False only for a last line that has no line end.</summary>
    public bool Terminated { get; private set; }

    /// <summary>Bytes consumed so far.</summary>
    public long Consumed { get; private set; }

    /// <summary>The current line without its line end, trailing CR, or byte order mark. Callers may rewrite it in place.</summary>
    public Span<byte> Current => _line.AsSpan(0, _lineLength);

    /// <summary>The line number and cause of a last line that was cut short, or null.</summary>
    public (int Line, string Cause)? Cut => _cut;

    /// <summary>Opens <paramref name="file"/> (up to its last line end when the run is live). I/O failures become a
    /// <see cref="RunImportException"/> naming the file.</summary>
    public static LineReader Open(string file, ImportContext context, int maxLineBytes)
    {
        try
        {
            return new LineReader(file, LiveFile.Open(file, context), context, maxLineBytes);
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

    /// <summary>Moves to the next non-blank line; false at the end of the file.</summary>
    public bool Next()
    {
        while (!_done)
        {
            if (ReadLine(out var tooLong))
            {
                if (tooLong)
                {
                    Damage.Add(Number, "the line is longer than " + Size(_maxLineBytes));
                    continue;
                }

                if (!IsBlank(Current))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>The current line cannot be used: recorded with its cause (or, for a last line without its line end, as a
    /// line cut short).</summary>
    public void Skip(string cause)
    {
        if (!Terminated)
        {
            _cut = (Number, cause);
            return;
        }

        Damage.Add(Number, cause);
    }

    /// <summary>One event per bad line (at most <see cref="DamageLog.MaxEvents"/>, then a count), then the cut last line.</summary>
    public IEnumerable<RunEvent> Events()
    {
        foreach (var e in Damage.Events())
        {
            yield return e;
        }

        if (_cut is { } cut)
        {
            yield return new RunEvent(RunEventKind.ImportDamage,
                $"{Path.GetFileName(File)}: the last line ({DamageLog.Line(cut.Line)}) is cut short ({cut.Cause}); it was left out: "
                + "the file was probably still being written, or its writer was stopped",
                File: File, Location: DamageLog.Line(cut.Line));
        }
    }

    /// <summary>Reads on after the end was reached, from where it stopped: a stream that grows (a log being tailed)
    /// yields its new lines to the next <see cref="Next"/>, numbered after the ones before.</summary>
    internal void Resume() => _done = false;

    public void Dispose() => _stream.Dispose();

    private bool ReadLine(out bool tooLong)
    {
        _lineLength = 0;
        tooLong = false;
        Terminated = false;
        Offset = Consumed;
        var sawAny = false;
        while (true)
        {
            if (_pos == _len)
            {
                _len = _stream.Read(_buffer, 0, _buffer.Length);
                _pos = 0;
                if (_len <= 0)
                {
                    _len = 0;
                    _done = true;
                    _context.Report(File, Consumed, _length);
                    break;
                }

                _read += _len;
                _context.Report(File, _read, _length); // once per block read

            }

            sawAny = true;
            var span = _buffer.AsSpan(_pos, _len - _pos);
            var nl = span.IndexOf((byte)'\n');
            var take = nl < 0 ? span.Length : nl;
            if (!tooLong && _lineLength + take > _maxLineBytes)
            {
                tooLong = true;
                _lineLength = 0;
            }

            if (!tooLong)
            {
                if (_line.Length < _lineLength + take)
                {
                    Array.Resize(ref _line, Math.Max(_line.Length * 2, _lineLength + take));
                }

                span[..take].CopyTo(_line.AsSpan(_lineLength));
                _lineLength += take;
            }

            var used = take + (nl < 0 ? 0 : 1);
            _pos += used;
            Consumed += used;
            if (nl >= 0)
            {
                Terminated = true;
                break;
            }
        }

        if (!sawAny)
        {
            return false;
        }

        Number++;

        if (!tooLong)
        {
            if (_lineLength > 0 && _line[_lineLength - 1] == (byte)'\r')
            {
                _lineLength--;
            }

            if (Number == 1 && PythonJson.BomLength(Current) > 0)
            {
                Array.Copy(_line, 3, _line, 0, _lineLength - 3);
                _lineLength -= 3;
            }
        }

        return true;
    }

    private static string Size(int bytes) => bytes % (1 << 20) == 0
        ? string.Create(CultureInfo.InvariantCulture, $"{bytes >> 20} MiB")
        : string.Create(CultureInfo.InvariantCulture, $"{bytes} bytes");

    private static bool IsBlank(ReadOnlySpan<byte> line) => line.IndexOfAnyExcept(" \t\r"u8) < 0;
}

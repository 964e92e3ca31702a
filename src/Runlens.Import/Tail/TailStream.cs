using System.Globalization;

namespace Runlens.Import.Tail;

/// <summary>
/// A log file being written, read as a stream that ends at its last complete line (the last <c>\n</c>) as of the latest
/// <see cref="Refresh"/>: a line still being written is left for a later refresh. Each refresh opens the file again, so
/// a file replaced under the same name is seen, and checks that what was read is still there: a file that became shorter
/// (truncated) or whose first bytes, or bytes just before the read position, changed (replaced, rotated, rewritten) is
/// reported, and the caller reads it again from the start.
/// </summary>
internal sealed class TailStream : Stream
{
    private const int Mark = 64;
    private readonly string _path;
    private readonly byte[] _head;
    private readonly byte[] _tail = new byte[Mark];
    private FileStream? _file;
    private int _headLength;
    private int _tailLength;
    private long _limit;
    private long _position;

    /// <param name="headMark">How many of the first bytes are checked at each refresh (a CSV log checks its whole header:
    /// a logger that rewrites the file with a new column changes it).</param>
    public TailStream(string path, int headMark = Mark)
    {
        _path = path;
        _head = new byte[headMark];
    }

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    /// <summary>The end of the last complete line seen.</summary>
    public override long Length => _limit;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    /// <summary>Looks at the file again and moves <see cref="Length"/> to its last complete line. Returns null when the
    /// file continues what was read, else why it does not (then nothing more is read from this stream).</summary>
    /// <exception cref="IOException">The file cannot be opened (gone, or not readable).</exception>
    public string? Refresh()
    {
        var file = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.None);
        try
        {
            var length = file.Length;
            var name = Path.GetFileName(_path);
            if (length < _position)
            {
                file.Dispose();
                return string.Create(CultureInfo.InvariantCulture, $"{name} became shorter ({length:N0} bytes, {_position:N0} were read): it was truncated or replaced");
            }

            if (_headLength > 0 && !Same(file, 0, _head.AsSpan(0, _headLength)))
            {
                file.Dispose();
                return $"{name} begins differently than before: it was replaced";
            }

            if (_tailLength > 0 && !Same(file, _position - _tailLength, _tail.AsSpan(0, _tailLength)))
            {
                file.Dispose();
                return $"{name} no longer holds what was read: it was rewritten";
            }

            _file?.Dispose();
            _file = file;
            _limit = Math.Max(_limit, LastLineEnd(file, _limit, length));
            if (_headLength < _head.Length && _limit > _headLength)
            {
                _headLength = (int)Math.Min(_head.Length, _limit);
                file.Position = 0;
                file.ReadExactly(_head, 0, _headLength);
            }

            file.Position = _position;
            return null;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var left = _limit - _position;
        if (left <= 0 || _file is null)
        {
            return 0;
        }

        var n = _file.Read(buffer[..(int)Math.Min(buffer.Length, left)]);
        if (n > 0)
        {
            _position += n;
            RememberTail(buffer[..n]);
        }

        return n;
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _file?.Dispose();
            _file = null;
        }

        base.Dispose(disposing);
    }

    /// <summary>Keeps the last bytes read, to check on the next refresh that they are still there.</summary>
    private void RememberTail(ReadOnlySpan<byte> read)
    {
        if (read.Length >= Mark)
        {
            read[^Mark..].CopyTo(_tail);
            _tailLength = Mark;
            return;
        }

        var keep = Math.Min(_tailLength, Mark - read.Length);
        _tail.AsSpan(_tailLength - keep, keep).CopyTo(_tail);
        read.CopyTo(_tail.AsSpan(keep));
        _tailLength = keep + read.Length;
    }

    private static bool Same(FileStream file, long at, ReadOnlySpan<byte> expected)
    {
        Span<byte> now = expected.Length <= Mark ? stackalloc byte[Mark] : new byte[expected.Length];
        file.Position = at;
        var n = file.ReadAtLeast(now[..expected.Length], expected.Length, throwOnEndOfStream: false);
        return n == expected.Length && now[..n].SequenceEqual(expected);
    }

    /// <summary>The offset just after the last <c>\n</c> in [<paramref name="from"/>, <paramref name="length"/>), or
    /// <paramref name="from"/> when there is none (searched from the end: the new part is usually small).</summary>
    private static long LastLineEnd(FileStream file, long from, long length)
    {
        var buffer = new byte[1 << 16];
        var end = length;
        while (end > from)
        {
            var start = Math.Max(from, end - buffer.Length);
            file.Position = start;
            file.ReadExactly(buffer, 0, (int)(end - start));
            var nl = buffer.AsSpan(0, (int)(end - start)).LastIndexOf((byte)'\n');
            if (nl >= 0)
            {
                return start + nl + 1;
            }

            end = start;
        }

        return from;
    }
}

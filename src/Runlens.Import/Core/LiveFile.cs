namespace Runlens.Import.Core;

/// <summary>
/// Opens a line-based log for reading. While a run is being watched (<see cref="ImportContext.Live"/>) the trainer may be
/// in the middle of writing its last line; that line is not yet part of the log, so the reader sees the file only up to
/// its last line break. Otherwise the whole file is read and a broken last line is damage like any other.
/// </summary>
internal static class LiveFile
{
    public static Stream Open(string file, ImportContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16);
        if (!context.Live)
        {
            return stream;
        }

        try
        {
            return new PrefixStream(stream, CompleteLinesLength(stream));
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>The length of the file up to and including its last <c>\n</c> (0 when it has none).</summary>
    internal static long CompleteLinesLength(Stream stream)
    {
        var buffer = new byte[4096];
        var end = stream.Length;
        while (end > 0)
        {
            var start = Math.Max(0, end - buffer.Length);
            stream.Position = start;
            stream.ReadExactly(buffer, 0, (int)(end - start));
            var nl = buffer.AsSpan(0, (int)(end - start)).LastIndexOf((byte)'\n');
            if (nl >= 0)
            {
                stream.Position = 0;
                return start + nl + 1;
            }

            end = start;
        }

        stream.Position = 0;
        return 0;
    }

    /// <summary>The first <c>length</c> bytes of a stream, read-only.</summary>
    private sealed class PrefixStream(Stream inner, long length) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position
        {
            get => inner.Position;
            set => inner.Position = Math.Clamp(value, 0, length);
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var left = length - inner.Position;
            return left <= 0 ? 0 : inner.Read(buffer[..(int)Math.Min(buffer.Length, left)]);
        }

        public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => Position + offset,
            _ => length + offset,
        };

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}

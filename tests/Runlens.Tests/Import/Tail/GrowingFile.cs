namespace Runlens.Tests.Import.Tail;

/// <summary>A file of a log being written by <see cref="TailAssert.AppendInPieces"/>: where it is, all the bytes it will
/// hold, and how many of them are written so far.</summary>
internal sealed class GrowingFile(string path, byte[] bytes, int written)
{
    public string Path { get; } = path;

    public byte[] Bytes { get; } = bytes;

    public int Written { get; set; } = written;

    public bool Done => Written == Bytes.Length;

    /// <summary>Lines (<c>\n</c>) among the bytes written so far.</summary>
    public int Lines => Bytes.AsSpan(0, Written).Count((byte)'\n');
}

using System.Buffers.Binary;
using Runlens.Model;

namespace Runlens.Storage.Sql;

/// <summary>
/// Points are stored in chunks of up to <see cref="Size"/> consecutive points: one row per chunk holding the packed
/// points (32 bytes each: step, value, epoch, wall time, little-endian) and, before them, the chunk's lowest and highest
/// finite point and its first non-finite point — so a downsampled read touches only those summaries.
/// </summary>
internal static class PointChunk
{
    public const int Size = 1024;
    private const int PointBytes = 32;

    public static byte[] Pack(ReadOnlySpan<SeriesPoint> points)
    {
        var bytes = new byte[points.Length * PointBytes];
        for (var i = 0; i < points.Length; i++)
        {
            var span = bytes.AsSpan(i * PointBytes, PointBytes);
            BinaryPrimitives.WriteInt64LittleEndian(span, points[i].Step);
            BinaryPrimitives.WriteDoubleLittleEndian(span[8..], points[i].Value);
            BinaryPrimitives.WriteDoubleLittleEndian(span[16..], points[i].Epoch);
            BinaryPrimitives.WriteDoubleLittleEndian(span[24..], points[i].WallTime);
        }

        return bytes;
    }

    public static void Unpack(ReadOnlySpan<byte> bytes, List<SeriesPoint> into)
    {
        for (var offset = 0; offset + PointBytes <= bytes.Length; offset += PointBytes)
        {
            var span = bytes.Slice(offset, PointBytes);
            into.Add(new SeriesPoint(
                BinaryPrimitives.ReadInt64LittleEndian(span),
                BinaryPrimitives.ReadDoubleLittleEndian(span[8..]),
                BinaryPrimitives.ReadDoubleLittleEndian(span[16..]),
                BinaryPrimitives.ReadDoubleLittleEndian(span[24..])));
        }
    }

    /// <summary>Indices (within the chunk) of the lowest and highest finite point (first on ties) and of the first
    /// non-finite point; -1 when there is none.</summary>
    public static (int Min, int Max, int NonFinite) Summary(ReadOnlySpan<SeriesPoint> points)
    {
        int min = -1, max = -1, nonFinite = -1;
        for (var i = 0; i < points.Length; i++)
        {
            var v = points[i].Value;
            if (!double.IsFinite(v))
            {
                nonFinite = nonFinite < 0 ? i : nonFinite;
                continue;
            }

            if (min < 0 || v < points[min].Value)
            {
                min = i;
            }

            if (max < 0 || v > points[max].Value)
            {
                max = i;
            }
        }

        return (min, max, nonFinite);
    }
}

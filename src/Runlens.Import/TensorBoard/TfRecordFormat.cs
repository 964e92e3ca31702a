using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Runlens.Import.TensorBoard;

/// <summary>
/// TFRecord framing as TensorFlow's <c>record_writer.cc</c> writes it: each record is a little-endian uint64 length, the
/// masked CRC-32C of those 8 bytes (uint32 LE), the data, and the masked CRC-32C of the data (uint32 LE). The mask is
/// <c>((crc &gt;&gt; 15) | (crc &lt;&lt; 17)) + 0xa282ead8</c>.
/// </summary>
internal static class TfRecordFormat
{
    public const int HeaderLength = 12;
    public const int FooterLength = 4;
    public const int FramingLength = HeaderLength + FooterLength;
    private const uint MaskDelta = 0xa282ead8u;

    /// <summary>CRC-32C (Castagnoli) of <paramref name="data"/>, standard (inverted in and out), hardware accelerated.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static uint Crc32C(ReadOnlySpan<byte> data)
    {
        var crc = ~0u;
        var longs = MemoryMarshal.Cast<byte, ulong>(data);
        foreach (var v in longs)
        {
            crc = BitOperations.Crc32C(crc, BitConverter.IsLittleEndian ? v : BinaryPrimitives.ReverseEndianness(v));
        }

        for (var i = longs.Length * 8; i < data.Length; i++)
        {
            crc = BitOperations.Crc32C(crc, data[i]);
        }

        return ~crc;
    }

    public static uint Mask(uint crc) => ((crc >> 15) | (crc << 17)) + MaskDelta;

    public static uint MaskedCrc(ReadOnlySpan<byte> data) => Mask(Crc32C(data));

    /// <summary>Writes one framed record.</summary>
    public static void Write(Stream to, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(to);
        Span<byte> header = stackalloc byte[HeaderLength];
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], MaskedCrc(header[..8]));
        to.Write(header);
        to.Write(data);
        Span<byte> footer = stackalloc byte[FooterLength];
        BinaryPrimitives.WriteUInt32LittleEndian(footer, MaskedCrc(data));
        to.Write(footer);
    }

    /// <summary>True when <paramref name="head"/> (at least 12 bytes) starts with a record header whose length checksum holds.</summary>
    public static bool IsRecordHeader(ReadOnlySpan<byte> head) =>
        head.Length >= HeaderLength && BinaryPrimitives.ReadUInt32LittleEndian(head[8..]) == MaskedCrc(head[..8]);
}

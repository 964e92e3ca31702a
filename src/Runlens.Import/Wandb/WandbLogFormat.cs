namespace Runlens.Import.Wandb;

/// <summary>
/// Layout of W&amp;B's <c>run-&lt;id&gt;.wandb</c> transaction log (the SDK's <c>sdk/internal/datastore.py</c>): a 7-byte
/// header (<c>:W&amp;B</c>, magic 0xBEE1 as little-endian uint16, version byte 0), then LevelDB-log-style 32 KiB blocks
/// counted from the start of the file (the header sits in the first block). Each record is a 7-byte header
/// (checksum uint32 LE, length uint16 LE, type byte: 1 FULL, 2 FIRST, 3 MIDDLE, 4 LAST) and its data; a record never
/// crosses a block boundary, and fewer than 7 bytes left in a block are zero padding. Unlike LevelDB, the checksum is
/// the plain (unmasked) zlib CRC-32 (IEEE polynomial) of the type byte followed by the data.
/// </summary>
internal static class WandbLogFormat
{
    public const int HeaderLength = 7;
    public const int BlockLength = 32768;
    public const int RecordHeaderLength = 7;
    public const ushort Magic = 0xBEE1;
    public const byte Version = 0;

    public const byte Full = 1;
    public const byte First = 2;
    public const byte Middle = 3;
    public const byte Last = 4;

    public static ReadOnlySpan<byte> Ident => ":W&B"u8;

    /// <summary>The whole 7-byte header of a log this reader reads: <see cref="Ident"/>, <see cref="Magic"/> (little-endian),
    /// <see cref="Version"/>.</summary>
    public static ReadOnlySpan<byte> Header => [(byte)':', (byte)'W', (byte)'&', (byte)'B', 0xE1, 0xBE, Version];

    private static readonly uint[] Table = BuildTable();

    /// <summary>The record checksum: CRC-32 of the type byte, continued over the data.</summary>
    public static uint Checksum(byte type, ReadOnlySpan<byte> data)
    {
        var crc = Update(0xFFFFFFFFu, type);
        foreach (var b in data)
        {
            crc = Update(crc, b);
        }

        return ~crc;
    }

    private static uint Update(uint crc, byte b) => Table[(crc ^ b) & 0xFF] ^ (crc >> 8);

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}

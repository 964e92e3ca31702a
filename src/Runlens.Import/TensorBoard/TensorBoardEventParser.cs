using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Runlens.Import.TensorBoard;

/// <summary>
/// Hand-parses the few fields of a serialised <c>tensorflow.Event</c> that carry scalars, straight from the record bytes
/// (no message objects): <c>wall_time</c> (1), <c>step</c> (2) and <c>summary</c> (5); in each summary value the
/// <c>tag</c> (1), <c>simple_value</c> (2), <c>tensor</c> (8) and <c>metadata.plugin_data</c> (9). Every other field
/// (graph_def, histograms, images, audio, session logs) is skipped by its wire type. Every length is checked against
/// the bytes that remain, so damaged input can only make <see cref="Parse"/> return false.
/// </summary>
internal static class TensorBoardEventParser
{
    private const int DtFloat = 1;
    private const int DtDouble = 2;

    /// <summary>Feeds the scalars of one event to <paramref name="sink"/>; false when the bytes are not a readable Event.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool Parse(ReadOnlySpan<byte> ev, TensorBoardFileScan sink)
    {
        var wall = double.NaN;
        long step = 0;
        ReadOnlySpan<byte> summary = default;
        var hasSummary = false;
        var pos = 0;
        while (pos < ev.Length)
        {
            if (!ReadVarint(ev, ref pos, out var key))
            {
                return false;
            }

            switch (key)
            {
                case (1 << 3) | 1:
                    if (ev.Length - pos < 8)
                    {
                        return false;
                    }

                    wall = BinaryPrimitives.ReadDoubleLittleEndian(ev[pos..]);
                    pos += 8;
                    break;
                case (2 << 3) | 0:
                    if (!ReadVarint(ev, ref pos, out var s))
                    {
                        return false;
                    }

                    step = (long)s;
                    break;
                case (5 << 3) | 2:
                    if (!ReadLength(ev, ref pos, out summary))
                    {
                        return false;
                    }

                    hasSummary = true;
                    break;
                default:
                    if (!Skip(ev, ref pos, key))
                    {
                        return false;
                    }

                    break;
            }
        }

        return !hasSummary || ParseSummary(summary, step, wall, sink);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool ParseSummary(ReadOnlySpan<byte> summary, long step, double wall, TensorBoardFileScan sink)
    {
        var pos = 0;
        while (pos < summary.Length)
        {
            if (!ReadVarint(summary, ref pos, out var key))
            {
                return false;
            }

            if (key == ((1 << 3) | 2))
            {
                if (!ReadLength(summary, ref pos, out var value) || !ParseValue(value, step, wall, sink))
                {
                    return false;
                }
            }
            else if (!Skip(summary, ref pos, key))
            {
                return false;
            }
        }

        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool ParseValue(ReadOnlySpan<byte> value, long step, double wall, TensorBoardFileScan sink)
    {
        ReadOnlySpan<byte> tag = default;
        ReadOnlySpan<byte> tensor = default;
        ReadOnlySpan<byte> metadata = default;
        var hasSimple = false;
        var hasTensor = false;
        var hasMetadata = false;
        var simple = 0f;
        var pos = 0;
        while (pos < value.Length)
        {
            if (!ReadVarint(value, ref pos, out var key))
            {
                return false;
            }

            switch (key)
            {
                case (1 << 3) | 2:
                    if (!ReadLength(value, ref pos, out tag))
                    {
                        return false;
                    }

                    break;
                case (2 << 3) | 5:
                    if (value.Length - pos < 4)
                    {
                        return false;
                    }

                    simple = BinaryPrimitives.ReadSingleLittleEndian(value[pos..]);
                    pos += 4;
                    hasSimple = true;
                    break;
                case (8 << 3) | 2:
                    if (!ReadLength(value, ref pos, out tensor))
                    {
                        return false;
                    }

                    hasTensor = true;
                    break;
                case (9 << 3) | 2:
                    if (!ReadLength(value, ref pos, out metadata))
                    {
                        return false;
                    }

                    hasMetadata = true;
                    break;
                default:
                    if (!Skip(value, ref pos, key))
                    {
                        return false;
                    }

                    break;
            }
        }

        var state = sink.Tag(tag);
        if (hasMetadata && !ParseMetadata(metadata, state, sink))
        {
            return false;
        }

        if (hasSimple)
        {
            sink.Scalar(state, step, simple, wall);
        }
        else if (hasTensor && state.Plugin is null or TensorBoardTag.ScalarsPlugin)
        {
            var r = TensorScalar(tensor, out var v);
            if (r < 0)
            {
                return false;
            }

            if (r > 0)
            {
                sink.Scalar(state, step, v, wall);
            }
        }

        return true;
    }

    private static bool ParseMetadata(ReadOnlySpan<byte> metadata, TensorBoardTag state, TensorBoardFileScan sink)
    {
        var pos = 0;
        while (pos < metadata.Length)
        {
            if (!ReadVarint(metadata, ref pos, out var key))
            {
                return false;
            }

            if (key != ((1 << 3) | 2))
            {
                if (!Skip(metadata, ref pos, key))
                {
                    return false;
                }

                continue;
            }

            if (!ReadLength(metadata, ref pos, out var pluginData))
            {
                return false;
            }

            ReadOnlySpan<byte> name = default;
            ReadOnlySpan<byte> content = default;
            var p = 0;
            while (p < pluginData.Length)
            {
                if (!ReadVarint(pluginData, ref p, out var k))
                {
                    return false;
                }

                if (k == ((1 << 3) | 2))
                {
                    if (!ReadLength(pluginData, ref p, out name))
                    {
                        return false;
                    }
                }
                else if (k == ((2 << 3) | 2))
                {
                    if (!ReadLength(pluginData, ref p, out content))
                    {
                        return false;
                    }
                }
                else if (!Skip(pluginData, ref p, k))
                {
                    return false;
                }
            }

            sink.Plugin(state, name, content);
        }

        return true;
    }

    /// <summary>1 with the value of a one-element float or double tensor, 0 when the tensor is not such a scalar,
    /// -1 when its bytes are unreadable.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static int TensorScalar(ReadOnlySpan<byte> tensor, out double value)
    {
        value = double.NaN;
        long dtype = 0;
        long elements = 1;
        ReadOnlySpan<byte> content = default;
        var hasContent = false;
        var hasFloat = false;
        var hasDouble = false;
        var floatCount = 0;
        var doubleCount = 0;
        var first = double.NaN;
        var pos = 0;
        while (pos < tensor.Length)
        {
            if (!ReadVarint(tensor, ref pos, out var key))
            {
                return -1;
            }

            switch (key)
            {
                case (1 << 3) | 0:
                    if (!ReadVarint(tensor, ref pos, out var d))
                    {
                        return -1;
                    }

                    dtype = (long)d;
                    break;
                case (2 << 3) | 2:
                    if (!ReadLength(tensor, ref pos, out var shape) || !Elements(shape, out elements))
                    {
                        return -1;
                    }

                    break;
                case (4 << 3) | 2:
                    if (!ReadLength(tensor, ref pos, out content))
                    {
                        return -1;
                    }

                    hasContent = true;
                    break;
                case (5 << 3) | 2:
                    if (!ReadLength(tensor, ref pos, out var floats) || floats.Length % 4 != 0)
                    {
                        return -1;
                    }

                    if (floats.Length > 0 && floatCount == 0)
                    {
                        first = BinaryPrimitives.ReadSingleLittleEndian(floats);
                    }

                    floatCount += floats.Length / 4;
                    hasFloat = true;
                    break;
                case (5 << 3) | 5:
                    if (tensor.Length - pos < 4)
                    {
                        return -1;
                    }

                    if (floatCount == 0)
                    {
                        first = BinaryPrimitives.ReadSingleLittleEndian(tensor[pos..]);
                    }

                    pos += 4;
                    floatCount++;
                    hasFloat = true;
                    break;
                case (6 << 3) | 2:
                    if (!ReadLength(tensor, ref pos, out var doubles) || doubles.Length % 8 != 0)
                    {
                        return -1;
                    }

                    if (doubles.Length > 0 && doubleCount == 0)
                    {
                        first = BinaryPrimitives.ReadDoubleLittleEndian(doubles);
                    }

                    doubleCount += doubles.Length / 8;
                    hasDouble = true;
                    break;
                case (6 << 3) | 1:
                    if (tensor.Length - pos < 8)
                    {
                        return -1;
                    }

                    if (doubleCount == 0)
                    {
                        first = BinaryPrimitives.ReadDoubleLittleEndian(tensor[pos..]);
                    }

                    pos += 8;
                    doubleCount++;
                    hasDouble = true;
                    break;
                default:
                    if (!Skip(tensor, ref pos, key))
                    {
                        return -1;
                    }

                    break;
            }
        }

        if (elements != 1)
        {
            return 0;
        }

        if (hasContent)
        {
            if (dtype == DtFloat && content.Length == 4)
            {
                value = BinaryPrimitives.ReadSingleLittleEndian(content);
                return 1;
            }

            if (dtype == DtDouble && content.Length == 8)
            {
                value = BinaryPrimitives.ReadDoubleLittleEndian(content);
                return 1;
            }

            return 0;
        }

        // a one-element tensor may hold its value once, or (TensorFlow's short form) once for all elements
        if ((hasFloat && dtype is DtFloat or 0 && floatCount >= 1) || (hasDouble && dtype is DtDouble or 0 && doubleCount >= 1))
        {
            value = first;
            return 1;
        }

        return 0;
    }

    private static bool Elements(ReadOnlySpan<byte> shape, out long elements)
    {
        elements = 1;
        var pos = 0;
        while (pos < shape.Length)
        {
            if (!ReadVarint(shape, ref pos, out var key))
            {
                return false;
            }

            if (key == ((2 << 3) | 2))
            {
                if (!ReadLength(shape, ref pos, out var dim))
                {
                    return false;
                }

                long size = 0;
                var p = 0;
                while (p < dim.Length)
                {
                    if (!ReadVarint(dim, ref p, out var k))
                    {
                        return false;
                    }

                    if (k == ((1 << 3) | 0))
                    {
                        if (!ReadVarint(dim, ref p, out var sz))
                        {
                            return false;
                        }

                        size = (long)sz;
                    }
                    else if (!Skip(dim, ref p, k))
                    {
                        return false;
                    }
                }

                // a dimension of unknown (-1) or zero size: not one element
                elements = size is > 0 and <= int.MaxValue ? Math.Min(elements * size, int.MaxValue) : 0;
            }
            else if (key == ((3 << 3) | 0))
            {
                if (!ReadVarint(shape, ref pos, out var unknownRank))
                {
                    return false;
                }

                if (unknownRank != 0)
                {
                    elements = 0;
                }
            }
            else if (!Skip(shape, ref pos, key))
            {
                return false;
            }
        }

        return true;
    }

    internal static bool ReadVarint(ReadOnlySpan<byte> b, scoped ref int pos, out ulong value)
    {
        if ((uint)pos < (uint)b.Length && b[pos] < 0x80)
        {
            value = b[pos++];
            return true;
        }

        value = 0;
        var shift = 0;
        while ((uint)pos < (uint)b.Length && shift < 64)
        {
            var x = b[pos++];
            value |= (ulong)(x & 0x7F) << shift;
            if (x < 0x80)
            {
                return true;
            }

            shift += 7;
        }

        return false;
    }

    private static bool ReadLength(ReadOnlySpan<byte> b, scoped ref int pos, out ReadOnlySpan<byte> slice)
    {
        slice = default;
        if (!ReadVarint(b, ref pos, out var n) || n > (ulong)(b.Length - pos))
        {
            return false;
        }

        slice = b.Slice(pos, (int)n);
        pos += (int)n;
        return true;
    }

    private static bool Skip(ReadOnlySpan<byte> b, scoped ref int pos, ulong key)
    {
        if (key >> 3 == 0)
        {
            return false;
        }

        switch (key & 7)
        {
            case 0:
                return ReadVarint(b, ref pos, out _);
            case 1:
                if (b.Length - pos < 8)
                {
                    return false;
                }

                pos += 8;
                return true;
            case 2:
                return ReadLength(b, ref pos, out _);
            case 5:
                if (b.Length - pos < 4)
                {
                    return false;
                }

                pos += 4;
                return true;
            default:
                // groups (3, 4) are not used by these messages; 6 and 7 do not exist
                return false;
        }
    }
}

namespace Runlens.Audit.Measures;

/// <summary>
/// A FLAC decoder (the format as the reference libFLAC writes it: STREAMINFO, frames with CONSTANT, VERBATIM, FIXED and
/// LPC subframes, Rice-coded residuals with escapes, wasted bits, and the three stereo decorrelations), checking each
/// frame's CRC-8 and CRC-16. Written here because no maintained managed FLAC decoder is available; it only needs to
/// give samples for level statistics, so it stops at the first damaged frame and says where.
/// </summary>
internal static class FlacDecoder
{
    /// <summary>What was decoded: the stream's format, the samples decoded (interleaved, per channel), and why decoding
    /// stopped early (null when the stream decoded to its end).</summary>
    internal sealed record Result(int SampleRate, int Channels, long Samples, string? Error);

    /// <summary>Decodes <paramref name="bytes"/>, handing each block's interleaved samples (scaled to ±1) to
    /// <paramref name="onBlock"/>.</summary>
    public static Result Decode(byte[] bytes, Action<ReadOnlySpan<float>> onBlock)
    {
        if (bytes.Length < 8 || bytes[0] != 'f' || bytes[1] != 'L' || bytes[2] != 'a' || bytes[3] != 'C')
        {
            return new Result(0, 0, 0, "corrupt: no fLaC signature");
        }

        var pos = 4;
        int rate = 0, channels = 0, bps = 0;
        long total = 0;
        var last = false;
        while (!last)
        {
            if (pos + 4 > bytes.Length)
            {
                return new Result(rate, channels, 0, "truncated: the metadata ends early");
            }

            last = (bytes[pos] & 0x80) != 0;
            var type = bytes[pos] & 0x7F;
            var length = (bytes[pos + 1] << 16) | (bytes[pos + 2] << 8) | bytes[pos + 3];
            pos += 4;
            if (pos + length > bytes.Length)
            {
                return new Result(rate, channels, 0, "truncated: a metadata block ends past the file");
            }

            if (type == 0 && length >= 34)
            {
                var b = new BitReader(bytes, pos);
                b.Read(16);
                b.Read(16);
                b.Read(24);
                b.Read(24);
                rate = (int)b.Read(20);
                channels = (int)b.Read(3) + 1;
                bps = (int)b.Read(5) + 1;
                total = (long)((b.Read(4) << 32) | b.Read(32));
            }
            else if (type == 127)
            {
                return new Result(rate, channels, 0, "corrupt: invalid metadata block type");
            }

            pos += length;
        }

        if (rate == 0 || channels == 0)
        {
            return new Result(rate, channels, 0, "corrupt: no STREAMINFO with a sample rate and channel count");
        }

        long decoded = 0;
        var reader = new BitReader(bytes, pos);
        try
        {
            while (reader.BytePosition < bytes.Length && (total == 0 || decoded < total))
            {
                var error = DecodeFrame(reader, bytes, rate, channels, bps, onBlock, out var n);
                if (error is not null)
                {
                    return new Result(rate, channels, decoded, $"corrupt: frame at byte {reader.FrameStart}: {error}");
                }

                decoded += n;
            }
        }
        catch (EndOfDataException)
        {
            return new Result(rate, channels, decoded, $"truncated: the stream ends inside the frame at byte {reader.FrameStart}");
        }

        if (total > 0 && decoded < total)
        {
            return new Result(rate, channels, decoded, $"truncated: {decoded} of the {total} samples per channel STREAMINFO promises");
        }

        return new Result(rate, channels, decoded, null);
    }

    private static string? DecodeFrame(BitReader r, byte[] bytes, int streamRate, int streamChannels, int streamBps,
        Action<ReadOnlySpan<float>> onBlock, out int blockSize)
    {
        blockSize = 0;
        r.AlignToByte();
        r.FrameStart = r.BytePosition;
        if (r.Read(14) != 0x3FFE)
        {
            return "no frame sync code";
        }

        r.Read(1);
        r.Read(1);
        var bsCode = (int)r.Read(4);
        var rateCode = (int)r.Read(4);
        var assignment = (int)r.Read(4);
        var sizeCode = (int)r.Read(3);
        r.Read(1);
        // UTF-8-like coded frame or sample number
        var first = r.Read(8);
        var extra = first < 0x80 ? 0 : first >= 0xFE ? 6 : first >= 0xFC ? 5 : first >= 0xF8 ? 4 : first >= 0xF0 ? 3 : first >= 0xE0 ? 2 : first >= 0xC0 ? 1 : -1;
        if (extra < 0)
        {
            return "bad frame number";
        }

        for (var i = 0; i < extra; i++)
        {
            if ((r.Read(8) & 0xC0) != 0x80)
            {
                return "bad frame number";
            }
        }

        blockSize = bsCode switch
        {
            1 => 192,
            >= 2 and <= 5 => 576 << (bsCode - 2),
            6 => (int)r.Read(8) + 1,
            7 => (int)r.Read(16) + 1,
            >= 8 => 256 << (bsCode - 8),
            _ => 0,
        };
        if (blockSize == 0)
        {
            return "reserved block size";
        }

        if (rateCode == 12)
        {
            r.Read(8);
        }
        else if (rateCode is 13 or 14)
        {
            r.Read(16);
        }
        else if (rateCode == 15)
        {
            return "invalid sample rate";
        }

        var bps = sizeCode switch { 0 => streamBps, 1 => 8, 2 => 12, 4 => 16, 5 => 20, 6 => 24, 7 => 32, _ => -1 };
        if (bps <= 0)
        {
            return "reserved sample size";
        }

        var headerEnd = r.BytePosition;
        var crc8 = (byte)r.Read(8);
        if (Crc8(bytes.AsSpan(r.FrameStart, headerEnd - r.FrameStart)) != crc8)
        {
            return "header CRC-8 mismatch";
        }

        var channels = assignment < 8 ? assignment + 1 : assignment <= 10 ? 2 : -1;
        if (channels <= 0)
        {
            return "reserved channel assignment";
        }

        if (channels != streamChannels)
        {
            return $"{channels} channels where STREAMINFO says {streamChannels}";
        }

        var samples = new long[channels][];
        for (var c = 0; c < channels; c++)
        {
            var sideExtra = (assignment == 8 && c == 1) || (assignment == 9 && c == 0) || (assignment == 10 && c == 1) ? 1 : 0;
            samples[c] = new long[blockSize];
            var error = DecodeSubframe(r, samples[c], bps + sideExtra);
            if (error is not null)
            {
                return error;
            }
        }

        r.AlignToByte();
        var frameEnd = r.BytePosition;
        var crc16 = (int)r.Read(16);
        if (Crc16(bytes.AsSpan(r.FrameStart, frameEnd - r.FrameStart)) != crc16)
        {
            return "frame CRC-16 mismatch";
        }

        if (assignment >= 8)
        {
            var a = samples[0];
            var b = samples[1];
            for (var i = 0; i < blockSize; i++)
            {
                switch (assignment)
                {
                    case 8:
                        b[i] = a[i] - b[i];
                        break;
                    case 9:
                        a[i] += b[i];
                        break;
                    default:
                        var mid = (a[i] << 1) | (b[i] & 1);
                        var side = b[i];
                        a[i] = (mid + side) >> 1;
                        b[i] = (mid - side) >> 1;
                        break;
                }
            }
        }

        var scale = 1.0 / (1L << (bps - 1));
        var interleaved = new float[blockSize * channels];
        for (var i = 0; i < blockSize; i++)
        {
            for (var c = 0; c < channels; c++)
            {
                interleaved[(i * channels) + c] = (float)(samples[c][i] * scale);
            }
        }

        onBlock(interleaved);
        _ = streamRate;
        return null;
    }

    private static string? DecodeSubframe(BitReader r, long[] output, int bps)
    {
        if (r.Read(1) != 0)
        {
            return "subframe padding bit set";
        }

        var type = (int)r.Read(6);
        var wasted = 0;
        if (r.Read(1) == 1)
        {
            wasted = 1;
            while (r.Read(1) == 0)
            {
                wasted++;
                if (wasted > bps)
                {
                    return "wasted bits exceed the sample size";
                }
            }
        }

        var size = bps - wasted;
        if (size <= 0)
        {
            return "no bits left per sample";
        }

        if (type == 0)
        {
            var v = r.ReadSigned(size);
            Array.Fill(output, v);
        }
        else if (type == 1)
        {
            for (var i = 0; i < output.Length; i++)
            {
                output[i] = r.ReadSigned(size);
            }
        }
        else if (type is >= 8 and <= 12)
        {
            var order = type - 8;
            if (order > output.Length)
            {
                return "predictor order larger than the block";
            }

            for (var i = 0; i < order; i++)
            {
                output[i] = r.ReadSigned(size);
            }

            var error = Residual(r, output, order);
            if (error is not null)
            {
                return error;
            }

            for (var i = order; i < output.Length; i++)
            {
                output[i] += order switch
                {
                    0 => 0,
                    1 => output[i - 1],
                    2 => (2 * output[i - 1]) - output[i - 2],
                    3 => (3 * output[i - 1]) - (3 * output[i - 2]) + output[i - 3],
                    _ => (4 * output[i - 1]) - (6 * output[i - 2]) + (4 * output[i - 3]) - output[i - 4],
                };
            }
        }
        else if (type >= 32)
        {
            var order = type - 31;
            if (order > output.Length)
            {
                return "predictor order larger than the block";
            }

            for (var i = 0; i < order; i++)
            {
                output[i] = r.ReadSigned(size);
            }

            var precision = (int)r.Read(4) + 1;
            if (precision == 16)
            {
                return "invalid LPC coefficient precision";
            }

            var shift = (int)r.ReadSigned(5);
            if (shift < 0)
            {
                return "negative LPC shift";
            }

            var coefs = new long[order];
            for (var i = 0; i < order; i++)
            {
                coefs[i] = r.ReadSigned(precision);
            }

            var error = Residual(r, output, order);
            if (error is not null)
            {
                return error;
            }

            for (var i = order; i < output.Length; i++)
            {
                long sum = 0;
                for (var j = 0; j < order; j++)
                {
                    sum += coefs[j] * output[i - j - 1];
                }

                output[i] += sum >> shift;
            }
        }
        else
        {
            return $"reserved subframe type {type}";
        }

        if (wasted > 0)
        {
            for (var i = 0; i < output.Length; i++)
            {
                output[i] <<= wasted;
            }
        }

        return null;
    }

    private static string? Residual(BitReader r, long[] output, int order)
    {
        var method = (int)r.Read(2);
        if (method > 1)
        {
            return "reserved residual coding method";
        }

        var paramBits = method == 0 ? 4 : 5;
        var escape = method == 0 ? 15 : 31;
        var partitionOrder = (int)r.Read(4);
        var partitions = 1 << partitionOrder;
        if (output.Length % partitions != 0 || (output.Length >> partitionOrder) < order)
        {
            return "partition order does not fit the block";
        }

        var i = order;
        for (var p = 0; p < partitions; p++)
        {
            var count = (output.Length >> partitionOrder) - (p == 0 ? order : 0);
            var k = (int)r.Read(paramBits);
            if (k == escape)
            {
                var bits = (int)r.Read(5);
                for (var n = 0; n < count; n++)
                {
                    output[i++] = bits == 0 ? 0 : r.ReadSigned(bits);
                }
            }
            else
            {
                for (var n = 0; n < count; n++)
                {
                    long q = 0;
                    while (r.Read(1) == 0)
                    {
                        q++;
                        if (q > (1L << 32))
                        {
                            return "runaway Rice code";
                        }
                    }

                    var u = (q << k) | (k == 0 ? 0 : (long)r.Read(k));
                    output[i++] = (u >> 1) ^ -(u & 1);
                }
            }
        }

        return null;
    }

    private static byte Crc8(ReadOnlySpan<byte> data)
    {
        var crc = 0;
        foreach (var b in data)
        {
            crc ^= b;
            for (var i = 0; i < 8; i++)
            {
                crc = (crc & 0x80) != 0 ? ((crc << 1) ^ 0x07) & 0xFF : (crc << 1) & 0xFF;
            }
        }

        return (byte)crc;
    }

    private static int Crc16(ReadOnlySpan<byte> data)
    {
        var crc = 0;
        foreach (var b in data)
        {
            crc ^= b << 8;
            for (var i = 0; i < 8; i++)
            {
                crc = (crc & 0x8000) != 0 ? ((crc << 1) ^ 0x8005) & 0xFFFF : (crc << 1) & 0xFFFF;
            }
        }

        return crc;
    }

    /// <summary>Reading went past the end of the data.</summary>
    private sealed class EndOfDataException : Exception
    {
    }

    /// <summary>Most-significant-bit-first reader; reading past the end throws <see cref="EndOfDataException"/>.</summary>
    private sealed class BitReader(byte[] bytes, int start)
    {
        private long _bit = (long)start * 8;

        public int FrameStart { get; set; } = start;

        public int BytePosition => (int)((_bit + 7) / 8);

        public void AlignToByte() => _bit = (_bit + 7) / 8 * 8;

        public ulong Read(int n)
        {
            ulong v = 0;
            for (var i = 0; i < n; i++)
            {
                var index = _bit >> 3;
                if (index >= bytes.Length)
                {
                    throw new EndOfDataException();
                }

                v = (v << 1) | (uint)((bytes[index] >> (7 - (int)(_bit & 7))) & 1);
                _bit++;
            }

            return v;
        }

        public long ReadSigned(int n)
        {
            var v = (long)Read(n);
            return n == 0 ? 0 : (v << (64 - n)) >> (64 - n);
        }
    }
}

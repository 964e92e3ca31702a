using NAudio.Wave;
using NLayer;
using NVorbis;

namespace Runlens.Audit.Measures;

/// <summary>
/// Decodes an audio file to float samples and measures it: duration, sample rate, channels, RMS level, peak and the
/// share of clipped samples. WAV is read with NAudio, Ogg Vorbis with NVorbis, MP3 with NLayer and FLAC with
/// <see cref="FlacDecoder"/>. A file that cannot be decoded gets an error instead of measures; nothing here throws for bad
/// bytes.
/// </summary>
internal static class AudioProbe
{
    /// <summary>At or above this absolute value a sample counts as clipped (16-bit full scale is 32767/32768).</summary>
    public const double ClipLevel = 0.999;

    public static AudioMeasures Measure(byte[] bytes, string format)
    {
        try
        {
            return format switch
            {
                "wav" => Wav(bytes),
                "ogg" => Vorbis(bytes),
                "mp3" => Mp3(bytes),
                "flac" => Flac(bytes),
                _ => new AudioMeasures(format, "not an audio format the audit decodes", null, null, null, null, null, null),
            };
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return new AudioMeasures(format, $"cannot be decoded ({ex.GetType().Name}: {FirstLine(ex.Message)})", null, null, null, null, null, null);
        }
    }

    private static string FirstLine(string s) => s.Split('\n')[0].Trim();

    private static AudioMeasures Wav(byte[] bytes)
    {
        using var reader = new WaveFileReader(new MemoryStream(bytes, writable: false));
        var provider = reader.ToSampleProvider();
        var fmt = provider.WaveFormat;
        var expected = reader.SampleCount * fmt.Channels;
        var stats = Read(fmt.Channels, (buf, n) => provider.Read(buf, 0, n));
        if (stats.Samples < expected)
        {
            return new AudioMeasures("wav", $"truncated: {stats.Samples} of the {expected} samples the header promises", stats.Samples / (double)fmt.Channels / fmt.SampleRate,
                fmt.SampleRate, fmt.Channels, null, null, null);
        }

        return stats.ToMeasures("wav", fmt.SampleRate, fmt.Channels);
    }

    private static AudioMeasures Vorbis(byte[] bytes)
    {
        using var reader = new VorbisReader(new MemoryStream(bytes, writable: false), closeOnDispose: true);
        if (reader.Channels <= 0 || reader.SampleRate <= 0)
        {
            return new AudioMeasures("ogg", "corrupt: no channels or sample rate in the Vorbis header", null, null, null, null, null, null);
        }

        var stats = Read(reader.Channels, (buf, n) => reader.ReadSamples(buf, 0, n));
        return stats.ToMeasures("ogg", reader.SampleRate, reader.Channels);
    }

    private static AudioMeasures Mp3(byte[] bytes)
    {
        using var mpeg = new MpegFile(new MemoryStream(bytes, writable: false));
        if (mpeg.Channels <= 0 || mpeg.SampleRate <= 0)
        {
            return new AudioMeasures("mp3", "corrupt: no MPEG audio frame found", null, null, null, null, null, null);
        }

        var stats = Read(mpeg.Channels, (buf, n) => mpeg.ReadSamples(buf, 0, n));
        if (stats.Samples == 0)
        {
            return new AudioMeasures("mp3", "corrupt: no MPEG audio frame could be decoded", null, mpeg.SampleRate, mpeg.Channels, null, null, null);
        }

        return stats.ToMeasures("mp3", mpeg.SampleRate, mpeg.Channels);
    }

    private static AudioMeasures Flac(byte[] bytes)
    {
        var stats = new LevelStats();
        var decoded = FlacDecoder.Decode(bytes, stats.Add);
        if (decoded.Error is { } error)
        {
            return new AudioMeasures("flac", error, decoded.SampleRate > 0 ? decoded.Samples / (double)decoded.SampleRate : null,
                decoded.SampleRate > 0 ? decoded.SampleRate : null, decoded.Channels > 0 ? decoded.Channels : null, null, null, null);
        }

        return stats.ToMeasures("flac", decoded.SampleRate, decoded.Channels);
    }

    /// <summary>Reads every sample through <paramref name="read"/> in blocks; stops at 0 (end) or at 2^31 samples.</summary>
    private static LevelStats Read(int channels, Func<float[], int, int> read)
    {
        var stats = new LevelStats();
        var buffer = new float[4096 * Math.Max(1, channels)];
        for (var guard = 0; guard < 1_000_000; guard++)
        {
            var n = read(buffer, buffer.Length);
            if (n <= 0)
            {
                break;
            }

            stats.Add(buffer.AsSpan(0, n));
        }

        return stats;
    }

    /// <summary>Running sums over samples.</summary>
    private sealed class LevelStats
    {
        private double _sumSquares;
        private double _peak;
        private long _clipped;

        public long Samples { get; private set; }

        public void Add(ReadOnlySpan<float> samples)
        {
            foreach (var s in samples)
            {
                var a = Math.Abs((double)s);
                if (double.IsNaN(a))
                {
                    continue;
                }

                _sumSquares += a * a;
                _peak = Math.Max(_peak, a);
                if (a >= ClipLevel)
                {
                    _clipped++;
                }
            }

            Samples += samples.Length;
        }

        public AudioMeasures ToMeasures(string format, int rate, int channels)
        {
            if (Samples == 0)
            {
                return new AudioMeasures(format, null, 0, rate, channels, double.NegativeInfinity, 0, 0);
            }

            var rms = Math.Sqrt(_sumSquares / Samples);
            return new AudioMeasures(format, null, Samples / (double)channels / rate, rate, channels,
                rms > 0 ? 20 * Math.Log10(rms) : double.NegativeInfinity, _peak, _clipped / (double)Samples);
        }
    }
}

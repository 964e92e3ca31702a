namespace Runlens.Analysis.Evaluation;

/// <summary>
/// The draws of one bootstrap resample: SplitMix64 (Steele, Lea and Flood 2014) started from the bootstrap's seed and the
/// resample's number mixed, and indices below <c>n</c> by Lemire's multiply-and-reject (2019), so every index is equally
/// likely. Each resample has its own sequence, so resamples can be drawn on any core in any order and give the same
/// values; <see cref="System.Random"/> with a seed is the compatibility generator, several times slower per draw.
/// </summary>
internal struct ResampleGenerator
{
    private const ulong Gamma = 0x9E37_79B9_7F4A_7C15UL;
    private ulong _state;

    public ResampleGenerator(int seed, int resample)
    {
        _state = Mix(((ulong)(uint)seed << 32) | (uint)resample);
    }

    /// <summary>An index in [0, <paramref name="n"/>).</summary>
    public int Next(int n)
    {
        var bound = (uint)n;
        var m = (ulong)Next32() * bound;
        var low = (uint)m;
        if (low < bound)
        {
            var threshold = (0u - bound) % bound;
            while (low < threshold)
            {
                m = (ulong)Next32() * bound;
                low = (uint)m;
            }
        }

        return (int)(m >> 32);
    }

    private uint Next32()
    {
        _state += Gamma;
        return (uint)(Mix(_state) >> 32);
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58_476D_1CE4_E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D0_49BB_1331_11EBUL;
        return z ^ (z >> 31);
    }
}

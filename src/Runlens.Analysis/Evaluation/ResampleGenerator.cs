using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

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

    /// <summary>The next <c>draws.Length</c> indices in [0, <paramref name="n"/>): the same as that many calls of
    /// <see cref="Next"/>, eight at a time where 256-bit vectors are accelerated (SplitMix64's outputs
    /// are its state plus a multiple of its step, mixed, so eight follow from one state). A block in which any draw could
    /// be rejected (low half below <paramref name="n"/>: about one draw in 4,000 for a million examples) takes its first
    /// draw from <see cref="Next"/> and goes on from there, so the sequence is Next's exactly.</summary>
    public void Fill(Span<int> draws, int n)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated && draws.Length >= 8)
        {
            var bound = (ulong)(uint)n;
            var bounds = Vector256.Create(bound);
            var lowMask = Vector256.Create(0xFFFF_FFFFUL);
            var steps0 = Vector256.Create(Gamma, unchecked(2 * Gamma), unchecked(3 * Gamma), unchecked(4 * Gamma));
            var steps1 = Vector256.Create(unchecked(5 * Gamma), unchecked(6 * Gamma), unchecked(7 * Gamma), unchecked(8 * Gamma));
            while (i <= draws.Length - 8)
            {
                var state = Vector256.Create(_state);
                var m0 = (Mix(state + steps0) >>> 32) * bounds;
                var m1 = (Mix(state + steps1) >>> 32) * bounds;
                if (Vector256.LessThanAny(m0 & lowMask, bounds) || Vector256.LessThanAny(m1 & lowMask, bounds))
                {
                    draws[i++] = Next(n);
                    continue;
                }

                Vector256.Narrow(m0 >>> 32, m1 >>> 32).AsInt32().StoreUnsafe(ref draws[i]);
                _state += unchecked(8 * Gamma);
                i += 8;
            }
        }

        for (; i < draws.Length; i++)
        {
            draws[i] = Next(n);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> Mix(Vector256<ulong> z)
    {
        z = (z ^ (z >>> 30)) * Vector256.Create(0xBF58_476D_1CE4_E5B9UL);
        z = (z ^ (z >>> 27)) * Vector256.Create(0x94D0_49BB_1331_11EBUL);
        return z ^ (z >>> 31);
    }

    /// <summary>A uniform double in [0, 1): the top 53 bits of the next output.</summary>
    public double NextDouble()
    {
        _state += Gamma;
        return (Mix(_state) >> 11) * (1.0 / (1UL << 53));
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

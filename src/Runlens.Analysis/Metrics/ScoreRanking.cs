namespace Runlens.Analysis.Metrics;

/// <summary>ROC-AUC and average precision of one class's scores, over the distinct score values from the highest down (the
/// thresholds of scikit-learn's <c>_binary_clf_curve</c>): tied scores form one step.</summary>
internal sealed class ScoreRanking
{
    private const int DigitBits = 11;
    private const int Buckets = 1 << DigitBits;
    private const int Passes = (64 + DigitBits - 1) / DigitBits;

    private ulong[] _all = [];
    private ulong[] _positives = [];
    private ulong[] _scratch = [];
    private readonly int[] _histogram = new int[Passes * Buckets];

    /// <summary>ROC-AUC (null when the class is all or none of the examples) and average precision (0 when the class
    /// never occurs, as scikit-learn's recall-set-to-one rule gives) of class <paramref name="c"/>.</summary>
    public (double? Auc, double AveragePrecision) Score(double[] probabilities, int[] trueClass, int classes, int c, long positiveCount)
    {
        if (positiveCount == 0)
        {
            return (null, 0.0);
        }

        var area = new AreaSteps(positiveCount);
        Walk(probabilities, trueClass, classes, c, positiveCount, ref area);
        var negatives = trueClass.Length - positiveCount;
        double? auc = negatives == 0 ? null : area.Area2 / (2.0 * positiveCount * negatives);
        return (auc, area.AveragePrecision);
    }

    /// <summary>Sorts class <paramref name="c"/>'s scores and hands <paramref name="steps"/> each distinct score from the
    /// highest down, with how many examples and how many positives have it (scikit-learn's <c>_binary_clf_curve</c>
    /// thresholds). A struct visitor, so that the walk over a million thresholds makes no call it cannot inline.</summary>
    public void Walk<TSteps>(double[] probabilities, int[] trueClass, int classes, int c, long positiveCount, ref TSteps steps)
        where TSteps : struct, IThresholdSteps
    {
        var n = trueClass.Length;
        if (_all.Length < n)
        {
            _all = new ulong[n];
            _positives = new ulong[n];
            _scratch = new ulong[n];
        }

        var all = _all.AsSpan(0, n);
        var positives = _positives.AsSpan(0, (int)positiveCount);
        var p = 0;
        for (int i = 0, at = c; i < n; i++, at += classes)
        {
            var key = Key(probabilities[at]);
            all[i] = key;
            if (trueClass[i] == c)
            {
                positives[p++] = key;
            }
        }

        Sort(all);
        Sort(positives);
        var j = (int)positiveCount - 1;
        for (var i = n - 1; i >= 0;)
        {
            var v = all[i];
            var count = 0;
            while (i >= 0 && all[i] == v)
            {
                count++;
                i--;
            }

            var pc = 0;
            while (j >= 0 && positives[j] == v)
            {
                pc++;
                j--;
            }

            steps.Step(v, count, pc);
        }
    }

    /// <summary>The score a key was made from (−0 comes back as +0).</summary>
    public static double Score(ulong key) =>
        BitConverter.Int64BitsToDouble((long)((key & 0x8000_0000_0000_0000UL) != 0 ? key & 0x7FFF_FFFF_FFFF_FFFFUL : ~key));

    /// <summary>A key whose unsigned order is the numeric order of the double (−0 and +0 map to the same key).</summary>
    private static ulong Key(double value)
    {
        if (value == 0)
        {
            value = 0; // one key for −0.0 and +0.0: numpy's diff sees them as equal
        }

        var bits = (ulong)BitConverter.DoubleToInt64Bits(value);
        return (bits & 0x8000_0000_0000_0000UL) != 0 ? ~bits : bits | 0x8000_0000_0000_0000UL;
    }

    /// <summary>Twice the area under the (fps, tps) staircase, in count units (exact integers), and average precision.</summary>
    internal struct AreaSteps(long positiveCount) : IThresholdSteps
    {
        private long _tps;
        private long _fps;

        public long Area2 { get; private set; }

        public double AveragePrecision { get; private set; }

        public void Step(ulong key, int count, int positives)
        {
            var newTps = _tps + positives;
            var newFps = _fps + (count - positives);
            Area2 += (newFps - _fps) * (newTps + _tps);
            if (positives > 0)
            {
                AveragePrecision += ((double)positives / positiveCount) * ((double)newTps / (newTps + newFps));
            }

            _tps = newTps;
            _fps = newFps;
        }
    }

    /// <summary>LSD radix sort, 11-bit digits; digits that are the same in every key are skipped.</summary>
    private void Sort(Span<ulong> keys)
    {
        var n = keys.Length;
        if (n < 64)
        {
            keys.Sort();
            return;
        }

        var hist = _histogram.AsSpan();
        hist.Clear();
        foreach (var k in keys)
        {
            for (var d = 0; d < Passes; d++)
            {
                hist[(d * Buckets) + (int)((k >> (d * DigitBits)) & (Buckets - 1))]++;
            }
        }

        Span<ulong> src = keys;
        Span<ulong> dst = _scratch.AsSpan(0, n);
        var inScratch = false;
        for (var d = 0; d < Passes; d++)
        {
            var h = hist.Slice(d * Buckets, Buckets);
            var shift = d * DigitBits;
            if (h[(int)((src[0] >> shift) & (Buckets - 1))] == n)
            {
                continue; // every key has this digit
            }

            var sum = 0;
            for (var b = 0; b < Buckets; b++)
            {
                var c = h[b];
                h[b] = sum;
                sum += c;
            }

            foreach (var k in src)
            {
                dst[h[(int)((k >> shift) & (Buckets - 1))]++] = k;
            }

            var t = src;
            src = dst;
            dst = t;
            inScratch = !inScratch;
        }

        if (inScratch)
        {
            src.CopyTo(keys);
        }
    }
}

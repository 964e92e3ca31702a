using System.Text;

namespace Runlens.Audit.Hashing;

/// <summary>
/// Charikar's SimHash of a text: its features are the words (lower-cased letters and digits) and the pairs of adjacent
/// words, each hashed to 64 bits (FNV-1a, then the SplitMix64 finaliser to spread the bits); each bit of the result is
/// set where more features have it set than not. Texts that share most of their words land a few bits apart.
/// </summary>
internal static class SimHash
{
    /// <summary>The hash, and how many words the text has (hashes of very short texts say little).</summary>
    public static (ulong Hash, int Words) Of(string text)
    {
        var words = Words(text);
        if (words.Count == 0)
        {
            return (0, 0);
        }

        Span<int> votes = stackalloc int[64];
        for (var f = 0; f < (2 * words.Count) - 1; f++)
        {
            // features 0..n-1: single words; n..2n-2: adjacent pairs
            var i = f < words.Count ? f : f - words.Count;
            var length = f < words.Count ? 1 : 2;
            var h = 14695981039346656037UL;
            for (var k = i; k < i + length; k++)
            {
                foreach (var b in Encoding.UTF8.GetBytes(words[k] + " "))
                {
                    h = (h ^ b) * 1099511628211UL;
                }
            }

            h = Mix(h);
            for (var bit = 0; bit < 64; bit++)
            {
                votes[bit] += ((h >> bit) & 1) == 1 ? 1 : -1;
            }
        }

        ulong result = 0;
        for (var bit = 0; bit < 64; bit++)
        {
            if (votes[bit] > 0)
            {
                result |= 1UL << bit;
            }
        }

        return (result, words.Count);
    }

    private static List<string> Words(string text)
    {
        var words = new List<string>();
        var sb = new StringBuilder();
        foreach (var ch in text)
        {
            if (char.IsLetterOrDigit(ch))
            {
                sb.Append(char.ToLowerInvariant(ch));
            }
            else if (sb.Length > 0)
            {
                words.Add(sb.ToString());
                sb.Clear();
            }
        }

        if (sb.Length > 0)
        {
            words.Add(sb.ToString());
        }

        return words;
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

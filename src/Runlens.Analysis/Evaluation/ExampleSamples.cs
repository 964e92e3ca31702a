using System.Collections.Immutable;
using Runlens.Model.Predictions;

namespace Runlens.Analysis.Evaluation;

/// <summary>One example as reports show it.</summary>
/// <param name="Entropy">−Σ p ln p of its probabilities (NaN without probabilities).</param>
/// <param name="Confidence">Its highest probability (NaN without probabilities).</param>
public sealed record ExampleView(string Id, int Line, string Label, string Predicted, double Entropy, double Confidence);

/// <summary>Examples worth reading: the ones the model is least sure about (highest entropy, seed 001), and a sample of
/// correct and incorrect predictions (seed 000 §11). Deterministic: the sample is evenly spaced over the file.</summary>
public sealed record ExampleSamples(ImmutableArray<ExampleView> HighestEntropy, ImmutableArray<ExampleView> Correct, ImmutableArray<ExampleView> Incorrect)
{
    public static ExampleSamples Empty { get; } = new([], [], []);

    public static ExampleSamples Of(PredictionSet set, int count = 10) => Of(set, count, null);

    /// <summary>The same, with each example's entropy taken from <paramref name="entropies"/> where given (the metrics'
    /// pass over the rows computes the same −Σ p ln p, in the same order).</summary>
    internal static ExampleSamples Of(PredictionSet set, int count, double[]? entropies)
    {
        ArgumentNullException.ThrowIfNull(set);
        var k = set.Classes.Length;
        ExampleView View(int i)
        {
            var entropy = double.NaN;
            var confidence = double.NaN;
            if (set.Probabilities is { } p)
            {
                entropy = 0;
                confidence = 0;
                for (var c = 0; c < k; c++)
                {
                    var v = p[(i * k) + c];
                    entropy -= v > 0 ? v * Math.Log(v) : 0;
                    confidence = Math.Max(confidence, v);
                }
            }

            return new ExampleView(set.ExampleIds[i], set.Lines[i], set.Classes[set.TrueIndices[i]], set.Classes[set.PredictedIndices[i]], entropy, confidence);
        }

        var highest = set.Probabilities is null ? ImmutableArray<ExampleView>.Empty : [.. TopEntropy(set, count, entropies).Select(View)];
        var truth = set.TrueIndices.AsSpan();
        var predicted = set.PredictedIndices.AsSpan();
        var right = 0;
        for (var i = 0; i < truth.Length; i++)
        {
            right += truth[i] == predicted[i] ? 1 : 0;
        }

        return new ExampleSamples(highest,
            [.. Spaced(truth, predicted, correct: true, right, count).Select(View)],
            [.. Spaced(truth, predicted, correct: false, truth.Length - right, count).Select(View)]);
    }

    /// <summary>Up to <paramref name="count"/> of the correct (or incorrect) examples, evenly spaced over them: the j-th
    /// of <paramref name="count"/> is the one at rank j·total/count among them.</summary>
    private static List<int> Spaced(ReadOnlySpan<int> truth, ReadOnlySpan<int> predicted, bool correct, int total, int count)
    {
        var picked = new List<int>(Math.Min(count, total));
        var rank = 0;
        for (var i = 0; i < truth.Length && picked.Count < Math.Min(count, total); i++)
        {
            if ((truth[i] == predicted[i]) != correct)
            {
                continue;
            }

            var wanted = total <= count ? picked.Count : (int)((long)picked.Count * total / count);
            if (rank == wanted)
            {
                picked.Add(i);
            }

            rank++;
        }

        return picked;
    }

    /// <summary>The <paramref name="count"/> examples with the highest entropy (earliest first on ties), in one pass.</summary>
    private static IEnumerable<int> TopEntropy(PredictionSet set, int count, double[]? entropies)
    {
        var p = set.Probabilities!.Value;
        var k = set.Classes.Length;
        var best = new List<(double Entropy, int Index)>(count + 1);
        for (var i = 0; i < set.Count; i++)
        {
            var h = 0.0;
            if (entropies is not null)
            {
                h = entropies[i];
            }
            else
            {
                for (var c = 0; c < k; c++)
                {
                    var v = p[(i * k) + c];
                    h -= v > 0 ? v * Math.Log(v) : 0;
                }
            }

            if (best.Count < count || h > best[^1].Entropy)
            {
                var at = best.FindIndex(b => h > b.Entropy);
                best.Insert(at < 0 ? best.Count : at, (h, i));
                if (best.Count > count)
                {
                    best.RemoveAt(best.Count - 1);
                }
            }
        }

        return best.Select(b => b.Index);
    }
}

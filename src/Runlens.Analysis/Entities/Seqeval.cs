using System.Collections.Immutable;
using Runlens.Model.Predictions;

namespace Runlens.Analysis.Entities;

/// <summary>
/// Entity-level metrics for BIO/IOB2 tagging, numerically identical to seqeval 1.2.2 (with numpy 1.24): entity
/// extraction, per-type and micro/macro/weighted precision, recall and F1, token accuracy, zero-division handling
/// (0.0 plus an <c>UndefinedMetricWarning</c>) and numpy's pairwise summation in the averages. See
/// <c>tests/fixtures/oracles/README.md</c> (seqeval section) for the rules reproduced.
/// </summary>
public static class Seqeval
{
    private const string Undefined = "UndefinedMetricWarning: ";
    private const string ZeroDivisionHint = " Use `zero_division` parameter to control this behavior.";

    /// <summary><c>classification_report(y_true, y_pred, output_dict=True)</c> (default mode) or with
    /// <c>mode='strict', scheme=IOB2</c>.</summary>
    /// <exception cref="ArgumentException">Sentence counts or lengths differ, a tag is empty, or (strict IOB2) a tag has a
    /// prefix other than B, I, O.</exception>
    public static EntityReport Report(IReadOnlyList<IReadOnlyList<string>> yTrue, IReadOnlyList<IReadOnlyList<string>> yPred,
        EntityMode mode = EntityMode.Default)
    {
        var warnings = new WarningLog();
        var counts = Count(yTrue, yPred, mode, warnings);
        var n = counts.Types.Length;

        // average=None: per type
        var (p, r, f) = Ratios(counts.Tp, counts.Pred, counts.True, warnings, Warn.All);
        var perType = ImmutableArray.CreateBuilder<EntityTypeScores>(n);
        for (var i = 0; i < n; i++)
        {
            perType.Add(new EntityTypeScores(counts.Types[i], new EntityScores(p[i], r[i], f[i], counts.True[i])));
        }

        var support = counts.True.Sum();

        // micro
        var (mp, mr, mf) = Ratios([counts.Tp.Sum()], [counts.Pred.Sum()], [support], warnings, Warn.All);
        var micro = new EntityScores(mp[0], mr[0], mf[0], support);

        // macro: the per-type ratios again (same warnings), then numpy's mean
        _ = Ratios(counts.Tp, counts.Pred, counts.True, warnings, Warn.All);
        if (n == 0)
        {
            warnings.Add("RuntimeWarning: Mean of empty slice.");
            warnings.Add("RuntimeWarning: invalid value encountered in scalar divide");
        }

        var macro = new EntityScores(Mean(p), Mean(r), Mean(f), support);

        // weighted: per-type ratios again; all-zero weights give 0 (seqeval returns before numpy's average)
        _ = Ratios(counts.Tp, counts.Pred, counts.True, warnings, Warn.All);
        EntityScores weighted;
        if (support == 0)
        {
            weighted = new EntityScores(0.0, 0.0, 0.0, support);
        }
        else
        {
            weighted = new EntityScores(WeightedMean(p, counts.True), WeightedMean(r, counts.True), WeightedMean(f, counts.True), support);
        }

        return new EntityReport(mode, perType.MoveToImmutable(), micro, macro, weighted, TokenAccuracy(yTrue, yPred), warnings.ToImmutable());
    }

    /// <summary><c>precision_score(y_true, y_pred)</c> (micro average).</summary>
    public static EntityScore Precision(IReadOnlyList<IReadOnlyList<string>> yTrue, IReadOnlyList<IReadOnlyList<string>> yPred,
        EntityMode mode = EntityMode.Default) => MicroScore(yTrue, yPred, mode, Warn.Precision);

    /// <summary><c>recall_score(y_true, y_pred)</c> (micro average).</summary>
    public static EntityScore Recall(IReadOnlyList<IReadOnlyList<string>> yTrue, IReadOnlyList<IReadOnlyList<string>> yPred,
        EntityMode mode = EntityMode.Default) => MicroScore(yTrue, yPred, mode, Warn.Recall);

    /// <summary><c>f1_score(y_true, y_pred)</c> (micro average).</summary>
    public static EntityScore F1(IReadOnlyList<IReadOnlyList<string>> yTrue, IReadOnlyList<IReadOnlyList<string>> yPred,
        EntityMode mode = EntityMode.Default) => MicroScore(yTrue, yPred, mode, Warn.FScore);

    /// <summary>The report of a token predictions file (seqeval's default mode unless told otherwise).</summary>
    public static EntityReport Report(TokenPredictionSet set, EntityMode mode = EntityMode.Default)
    {
        ArgumentNullException.ThrowIfNull(set);
        return Report(set.GoldTags(), set.PredictedTags(), mode);
    }

    /// <summary><c>accuracy_score</c>: the fraction of tokens whose predicted tag equals the gold tag (NaN with no token,
    /// where seqeval raises <c>ZeroDivisionError</c>).</summary>
    public static double TokenAccuracy(IReadOnlyList<IReadOnlyList<string>> yTrue, IReadOnlyList<IReadOnlyList<string>> yPred)
    {
        CheckShapes(yTrue, yPred);
        long correct = 0, total = 0;
        for (var s = 0; s < yTrue.Count; s++)
        {
            var t = yTrue[s];
            var p = yPred[s];
            for (var i = 0; i < t.Count; i++)
            {
                total++;
                if (string.Equals(t[i], p[i], StringComparison.Ordinal))
                {
                    correct++;
                }
            }
        }

        return total == 0 ? double.NaN : (double)correct / total;
    }

    /// <summary>seqeval's <c>get_entities</c> over sentences joined with an <c>O</c> after each (default mode); positions
    /// are in the joined sequence. Adds "seems not to be NE tag" warnings to <paramref name="warnings"/> when given.</summary>
    public static ImmutableArray<Entity> GetEntities(IReadOnlyList<IReadOnlyList<string>> sentences, ICollection<string>? warnings = null)
    {
        ArgumentNullException.ThrowIfNull(sentences);
        var log = new WarningLog();
        var result = GetEntities(sentences, log);
        if (warnings is not null)
        {
            foreach (var w in log.ToImmutable())
            {
                warnings.Add(w);
            }
        }

        return result;
    }

    /// <summary>Entities of one sentence under strict IOB2 (positions within the sentence).</summary>
    public static ImmutableArray<Entity> GetStrictIob2Entities(IReadOnlyList<string> sentence)
    {
        ArgumentNullException.ThrowIfNull(sentence);
        var result = ImmutableArray.CreateBuilder<Entity>();
        var n = sentence.Count;
        var prefixes = new char[n];
        var types = new string[n];
        for (var i = 0; i < n; i++)
        {
            var tag = sentence[i];
            if (string.IsNullOrEmpty(tag))
            {
                throw new ArgumentException($"empty tag at position {i}", nameof(sentence));
            }

            prefixes[i] = tag[0];
            if (tag[0] is not ('B' or 'I' or 'O'))
            {
                throw new ArgumentException($"Invalid token is found: {tag}. Strict IOB2 allows the prefixes B, I and O.", nameof(sentence));
            }

            var t = tag[1..].Trim('-');
            types[i] = t.Length == 0 ? "_" : t;
        }

        var k = 0;
        while (k < n)
        {
            if (prefixes[k] == 'B')
            {
                var end = k + 1;
                while (end < n && prefixes[end] == 'I' && string.Equals(types[end], types[k], StringComparison.Ordinal))
                {
                    end++;
                }

                result.Add(new Entity(types[k], k, end - 1));
                k = end;
            }
            else
            {
                k++;
            }
        }

        return result.ToImmutable();
    }

    /// <summary>numpy's <c>add.reduce</c> of float64 (pairwise summation: 8 interleaved partial sums per block of up to
    /// 128 values, blocks split in halves on multiples of 8).</summary>
    internal static double NumpySum(ReadOnlySpan<double> a)
    {
        if (a.Length < 8)
        {
            var res = 0.0;
            for (var i = 0; i < a.Length; i++)
            {
                res += a[i];
            }

            return res;
        }

        if (a.Length <= 128)
        {
            Span<double> r = stackalloc double[8];
            a[..8].CopyTo(r);
            var i = 8;
            for (; i < a.Length - (a.Length % 8); i += 8)
            {
                for (var j = 0; j < 8; j++)
                {
                    r[j] += a[i + j];
                }
            }

            var res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
            for (; i < a.Length; i++)
            {
                res += a[i];
            }

            return res;
        }

        var n2 = a.Length / 2;
        n2 -= n2 % 8;
        return NumpySum(a[..n2]) + NumpySum(a[n2..]);
    }

    private static double Mean(double[] values) => values.Length == 0 ? double.NaN : NumpySum(values) / values.Length;

    private static double WeightedMean(double[] values, int[] weights)
    {
        var products = new double[values.Length];
        var w = new double[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            products[i] = values[i] * weights[i];
            w[i] = weights[i];
        }

        return NumpySum(products) / NumpySum(w);
    }

    private static EntityScore MicroScore(IReadOnlyList<IReadOnlyList<string>> yTrue, IReadOnlyList<IReadOnlyList<string>> yPred,
        EntityMode mode, Warn warnFor)
    {
        var warnings = new WarningLog();
        var c = Count(yTrue, yPred, mode, warnings);
        var (p, r, f) = Ratios([c.Tp.Sum()], [c.Pred.Sum()], [c.True.Sum()], warnings, warnFor);
        var value = warnFor switch
        {
            Warn.Precision => p[0],
            Warn.Recall => r[0],
            _ => f[0],
        };
        return new EntityScore(value, warnings.ToImmutable());
    }

    [Flags]
    private enum Warn
    {
        Precision = 1,
        Recall = 2,
        FScore = 4,
        All = Precision | Recall | FScore,
    }

    /// <summary>seqeval's <c>_prf_divide</c> for precision and recall and its F-score formula, with the warnings raised
    /// for <paramref name="warnFor"/> (sklearn's <c>warn_for</c>).</summary>
    private static (double[] P, double[] R, double[] F) Ratios(int[] tp, int[] pred, int[] gold, WarningLog warnings, Warn warnFor)
    {
        var n = tp.Length;
        var p = new double[n];
        var r = new double[n];
        var f = new double[n];
        bool noPred = false, noTrue = false, neither = false;
        for (var i = 0; i < n; i++)
        {
            p[i] = pred[i] == 0 ? 0.0 : (double)tp[i] / pred[i];
            r[i] = gold[i] == 0 ? 0.0 : (double)tp[i] / gold[i];
            noPred |= pred[i] == 0;
            noTrue |= gold[i] == 0;
            neither |= pred[i] == 0 && gold[i] == 0;
            var denom = p[i] + r[i];
            f[i] = 2.0 * p[i] * r[i] / (denom == 0.0 ? 1.0 : denom);
        }

        if (noPred && warnFor.HasFlag(Warn.Precision))
        {
            warnings.Add(Undefined + PrfMessage(warnFor == Warn.All ? "Precision and F-score are" : "Precision is", "predicted", n));
        }

        if (noTrue && warnFor.HasFlag(Warn.Recall))
        {
            warnings.Add(Undefined + PrfMessage(warnFor == Warn.All ? "Recall and F-score are" : "Recall is", "true", n));
        }

        if (neither && warnFor == Warn.FScore)
        {
            warnings.Add(Undefined + PrfMessage("F-score is", "true nor predicted", n));
        }

        return (p, r, f);
    }

    private static string PrfMessage(string start, string modifier, int size) =>
        $"{start} ill-defined and being set to 0.0 {(size == 1 ? "due to" : "in labels with")} no {modifier} samples.{ZeroDivisionHint}";

    private sealed record Counts(string[] Types, int[] Tp, int[] Pred, int[] True);

    private static Counts Count(IReadOnlyList<IReadOnlyList<string>> yTrue, IReadOnlyList<IReadOnlyList<string>> yPred, EntityMode mode,
        WarningLog warnings)
    {
        CheckShapes(yTrue, yPred);
        HashSet<(string Type, int Sentence, int Start, int End)> gold;
        HashSet<(string Type, int Sentence, int Start, int End)> pred;
        if (mode == EntityMode.StrictIob2)
        {
            gold = StrictSet(yTrue);
            pred = StrictSet(yPred);
        }
        else
        {
            gold = [.. GetEntities(yTrue, warnings).Select(e => (e.Type, 0, e.Start, e.End))];
            pred = [.. GetEntities(yPred, warnings).Select(e => (e.Type, 0, e.Start, e.End))];
        }

        var types = gold.Select(e => e.Type).Concat(pred.Select(e => e.Type)).Distinct(StringComparer.Ordinal)
            .Order(CodePointComparer.Instance).ToArray();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < types.Length; i++)
        {
            index[types[i]] = i;
        }

        var tp = new int[types.Length];
        var predCount = new int[types.Length];
        var trueCount = new int[types.Length];
        foreach (var e in gold)
        {
            trueCount[index[e.Type]]++;
            if (pred.Contains(e))
            {
                tp[index[e.Type]]++;
            }
        }

        foreach (var e in pred)
        {
            predCount[index[e.Type]]++;
        }

        return new Counts(types, tp, predCount, trueCount);
    }

    private static HashSet<(string Type, int Sentence, int Start, int End)> StrictSet(IReadOnlyList<IReadOnlyList<string>> sentences)
    {
        var set = new HashSet<(string, int, int, int)>();
        for (var s = 0; s < sentences.Count; s++)
        {
            foreach (var e in GetStrictIob2Entities(sentences[s]))
            {
                set.Add((e.Type, s, e.Start, e.End));
            }
        }

        return set;
    }

    private static ImmutableArray<Entity> GetEntities(IReadOnlyList<IReadOnlyList<string>> sentences, WarningLog warnings)
    {
        var chunks = ImmutableArray.CreateBuilder<Entity>();
        var prevTag = 'O';
        var prevType = "";
        var begin = 0;
        var i = 0;

        void Step(string chunk)
        {
            if (chunk.Length == 0)
            {
                throw new ArgumentException("an empty tag (seqeval fails on it: string index out of range)", nameof(sentences));
            }

            if (chunk is not ("O" or "B" or "I" or "E" or "S")
                && !(chunk.StartsWith("B-", StringComparison.Ordinal) || chunk.StartsWith("I-", StringComparison.Ordinal)
                    || chunk.StartsWith("E-", StringComparison.Ordinal) || chunk.StartsWith("S-", StringComparison.Ordinal)))
            {
                warnings.Add($"UserWarning: {chunk} seems not to be NE tag.");
            }

            var tag = chunk[0];
            var rest = chunk.AsSpan(1);
            var dash = rest.IndexOf('-');
            var typeSpan = dash < 0 ? rest : rest[(dash + 1)..];
            var type = typeSpan.Length == 0 ? "_" : typeSpan.ToString();
            if (EndOfChunk(prevTag, tag, prevType, type))
            {
                chunks.Add(new Entity(prevType, begin, i - 1));
            }

            if (StartOfChunk(prevTag, tag, prevType, type))
            {
                begin = i;
            }

            prevTag = tag;
            prevType = type;
            i++;
        }

        foreach (var sentence in sentences)
        {
            foreach (var tag in sentence)
            {
                Step(tag);
            }

            Step("O");
        }

        Step("O");
        return chunks.ToImmutable();
    }

    private static bool EndOfChunk(char prevTag, char tag, string prevType, string type) =>
        prevTag is 'E' or 'S'
        || (prevTag is 'B' or 'I' && tag is 'B' or 'S' or 'O')
        || (prevTag is not ('O' or '.') && !string.Equals(prevType, type, StringComparison.Ordinal));

    private static bool StartOfChunk(char prevTag, char tag, string prevType, string type) =>
        tag is 'B' or 'S'
        || (prevTag is 'E' or 'S' or 'O' && tag is 'E' or 'I')
        || (tag is not ('O' or '.') && !string.Equals(prevType, type, StringComparison.Ordinal));

    private static void CheckShapes(IReadOnlyList<IReadOnlyList<string>> yTrue, IReadOnlyList<IReadOnlyList<string>> yPred)
    {
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(yPred);
        if (yTrue.Count != yPred.Count)
        {
            throw new ArgumentException($"{yTrue.Count} gold sentences but {yPred.Count} predicted ones", nameof(yPred));
        }

        for (var s = 0; s < yTrue.Count; s++)
        {
            if (yTrue[s].Count != yPred[s].Count)
            {
                throw new ArgumentException($"sentence {s}: {yTrue[s].Count} gold tags but {yPred[s].Count} predicted ones", nameof(yPred));
            }
        }
    }

    /// <summary>Python's default warning filter: each message once, in the order first raised.</summary>
    private sealed class WarningLog
    {
        private readonly List<string> _list = [];
        private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

        public void Add(string message)
        {
            if (_seen.Add(message))
            {
                _list.Add(message);
            }
        }

        public ImmutableArray<string> ToImmutable() => [.. _list];
    }
}

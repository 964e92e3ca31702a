using Runlens.Analysis;
using Runlens.Analysis.Findings;
using Runlens.Analysis.Rules;
using Runlens.Audit.Results;

namespace Runlens.Audit.Checks;

/// <summary>
/// RL0726: a feature column that on its own predicts the label almost perfectly (target leakage): the best single-column
/// rule — per distinct value its majority label (for a column whose values each cover enough rows to be no memory), or
/// for a numeric column the best cut into at most as many intervals as there are classes — reaches
/// <c>min_accuracy</c> on a table of at least <c>min_rows</c> rows, with an error at most <c>max_error_ratio</c> of the
/// majority label's. No honest feature separates real classes that cleanly; a leaked answer, a field derived from the
/// label, or a code assigned class by class does. Id-named columns are RL0725's.
/// </summary>
internal sealed class LabelFeatureCheck : AuditCheck
{
    /// <summary>Beyond this many classes the interval rule is not tried (its cost grows with the square of the classes).</summary>
    private const int MaxIntervalClasses = 20;

    public override RuleDescriptor Descriptor { get; } = RuleDescriptor.Create(
        "RL0726", "feature-encodes-label", "A feature column encodes the label", RuleCategory.DataAudit, Severity.Error, [], [typeof(DataAuditEvidence)],
        new RuleOption("min_accuracy", 0.99, "The column alone must predict the label with at least this accuracy"),
        new RuleOption("max_error_ratio", 0.1, "…and with at most this share of the errors of predicting the majority label"),
        new RuleOption("min_rows", 100, "Tables with fewer labelled rows are not judged"),
        new RuleOption("min_rows_per_value", 20, "The per-value rule applies to columns with at least this many rows per distinct value on average"));

    internal override AuditCheckOutcome Evaluate(AuditCheckContext context)
    {
        var minAccuracy = context.Option("min_accuracy");
        var maxErrorRatio = context.Option("max_error_ratio");
        var minRows = (int)context.Option("min_rows");
        var perValue = context.Option("min_rows_per_value");
        var examined = 0;
        var found = new List<LabelFeatureEvidence>();
        foreach (var t in context.Data.Tables.Where(t => t.Label >= 0 && t.Rows >= minRows))
        {
            var labels = t.Cells[t.Label];
            for (var c = 0; c < t.Columns.Length; c++)
            {
                if (c == t.Label || t.Columns[c].Role is "text" or "file" or "id" or "label")
                {
                    continue;
                }

                var rows = Enumerable.Range(0, t.Rows).Where(r => labels[r] is not null && t.Cells[c][r] is not null).ToArray();
                if (rows.Length < minRows)
                {
                    continue;
                }

                examined++;
                var m = Measure(rows.Select(r => labels[r]!).ToArray(), rows.Select(r => t.Cells[c][r]!).ToArray(),
                    t.Numbers[c] is { } numbers ? rows.Select(r => numbers[r]).ToArray() : null, perValue);
                if (m is { } best && best.Accuracy >= minAccuracy && 1 - best.Accuracy <= maxErrorRatio * (1 - best.Baseline))
                {
                    found.Add(new LabelFeatureEvidence(0, 0, t.Columns[c].Name, t.File, t.Split, best.Rows, best.Rule, best.Accuracy, best.Baseline, minAccuracy, maxErrorRatio));
                }
            }
        }

        if (examined == 0)
        {
            return AuditCheckOutcome.NotApplicable;
        }

        if (found.Count == 0)
        {
            return AuditCheckContext.Nothing(examined);
        }

        var worst = found.MaxBy(f => (f.Accuracy - f.Baseline, f.Rows))!;
        var issues = found.Select(f => new AuditIssue($"{f.Table}:{f.Column}",
            $"{f.Column} alone predicts the label with accuracy {Format.Number(f.Accuracy)} ({RuleWords(f.Rule)}) on {f.Rows} rows, against {Format.Number(f.Baseline)} for the majority label",
            f.Accuracy) { Split = f.Split });
        return context.Found(examined, Severity.Error, 0.95,
            $"Column {worst.Column} encodes the label: alone it predicts it with accuracy {Format.Number(worst.Accuracy)}, against {Format.Number(worst.Baseline)} for the majority label",
            worst with { Examined = examined, Count = found.Count }, issues,
            "One input column carries the answer (a leaked label, a field derived from it, or a code assigned class by class): a model given it scores almost perfectly by reading it, and its validation scores say nothing about new data, where the column is not known or means nothing.",
            $"Drop {worst.Column} from the features, or rebuild it from inputs that are known before the label is, then retrain and re-evaluate.");
    }

    private static string RuleWords(string rule) => rule == "values" ? "each value's majority label" : "cut at its best thresholds";

    /// <summary>The better of the two single-column rules on these rows, with the majority-label baseline; null when the
    /// labels have a single class.</summary>
    internal static (double Accuracy, double Baseline, int Rows, string Rule)? Measure(string[] labels, string[] cells, double[]? numbers, double minRowsPerValue)
    {
        var classes = labels.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        if (classes.Length < 2)
        {
            return null;
        }

        var index = classes.Select((l, i) => (l, i)).ToDictionary(p => p.l, p => p.i, StringComparer.Ordinal);
        var y = labels.Select(l => index[l]).ToArray();
        var n = y.Length;
        var baseline = y.GroupBy(v => v).Max(g => g.Count()) / (double)n;
        (double Accuracy, string Rule) best = (0, "values");
        var values = cells.Distinct(StringComparer.Ordinal).Count();
        if (values * minRowsPerValue <= n)
        {
            var correct = cells.Select((v, i) => (v, y[i])).GroupBy(p => p.v, StringComparer.Ordinal)
                .Sum(g => g.GroupBy(p => p.Item2).Max(h => h.Count()));
            best = ((double)correct / n, "values");
        }

        if (numbers is not null && classes.Length <= MaxIntervalClasses)
        {
            var finite = Enumerable.Range(0, n).Where(i => double.IsFinite(numbers[i])).ToArray();
            if (finite.Length == n)
            {
                var accuracy = (double)BestIntervals(numbers, y, classes.Length) / n;
                if (accuracy > best.Accuracy)
                {
                    best = (accuracy, "thresholds");
                }
            }
        }

        return (best.Accuracy, baseline, n, best.Rule);
    }

    /// <summary>The most rows labelled right when the values, sorted, are cut into at most <paramref name="k"/> intervals
    /// (equal values never apart), each interval predicting one class: dynamic programming over the runs of equal values,
    /// with the state (intervals used, the current interval's class).</summary>
    internal static int BestIntervals(double[] x, int[] y, int k)
    {
        var order = Enumerable.Range(0, x.Length).OrderBy(i => x[i]).ToArray();
        var dp = new int[k + 1, k];
        var next = new int[k + 1, k];
        var counts = new int[k];
        var started = false;
        for (var a = 0; a < order.Length;)
        {
            Array.Clear(counts);
            var b = a;
            while (b < order.Length && x[order[b]] == x[order[a]])
            {
                counts[y[order[b]]]++;
                b++;
            }

            for (var j = 1; j <= k; j++)
            {
                // the best state with j − 1 intervals, and its second best with another class, for a new interval
                var (top, topClass, second) = (int.MinValue, -1, int.MinValue);
                for (var c = 0; c < k && j > 1; c++)
                {
                    if (dp[j - 1, c] > top)
                    {
                        (second, top, topClass) = (top, dp[j - 1, c], c);
                    }
                    else if (dp[j - 1, c] > second)
                    {
                        second = dp[j - 1, c];
                    }
                }

                for (var c = 0; c < k; c++)
                {
                    var stay = started ? dp[j, c] : (j == 1 ? 0 : int.MinValue);
                    var open = !started || j == 1 ? int.MinValue : (c == topClass ? second : top);
                    var from = Math.Max(stay, open);
                    next[j, c] = from == int.MinValue ? int.MinValue : from + counts[c];
                }
            }

            (dp, next) = (next, dp);
            started = true;
            a = b;
        }

        var best = 0;
        foreach (var v in dp)
        {
            best = Math.Max(best, v);
        }

        return best;
    }
}

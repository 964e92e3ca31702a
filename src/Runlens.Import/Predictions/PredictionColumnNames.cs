namespace Runlens.Import.Predictions;

/// <summary>
/// The column names a predictions file may use. The canonical names (DESIGN.md §2) win; otherwise the first alias
/// present in the order listed (names compared ignoring case); otherwise, for label, predicted and the single
/// probability, exactly one column named <c>label_…</c>, <c>prediction_…</c>/<c>predicted_…</c>,
/// <c>probability_…</c> (exports that suffix every column with the target name, e.g.
/// <c>label_window_BZ, prediction_window_BZ, probability_window_BZ</c>).
/// </summary>
public static class PredictionColumnNames
{
    public const string ExampleId = "example_id";
    public const string Label = "label";
    public const string Predicted = "predicted";
    public const string SentenceId = "sentence_id";

    /// <summary>Prefix of a per-class probability column: <c>prob_&lt;class&gt;</c>.</summary>
    public const string ProbabilityPrefix = "prob_";

    public static IReadOnlyList<string> ExampleIdNames { get; } = [ExampleId, "id", "guid", "example", "uid"];

    public static IReadOnlyList<string> LabelNames { get; } =
    [
        Label, "labels", "y_true", "true_label", "gold", "gold_label", "target", "ground_truth", "truth", "actual",
        "tag", "tags", "ner_tag", "ner_tags", "gold_tag", "true_tag",
    ];

    public static IReadOnlyList<string> PredictedNames { get; } =
    [
        Predicted, "prediction", "predictions", "pred", "y_pred", "predicted_label", "pred_label", "ai_prediction",
        "predicted_tag", "pred_tag", "prediction_tag",
    ];

    /// <summary>A single column holding the probability of the positive class of a binary task.</summary>
    public static IReadOnlyList<string> PositiveProbabilityNames { get; } =
        ["probability", "prob", "proba", "y_prob", "positive_probability"];

    public static IReadOnlyList<string> SentenceIdNames { get; } = [SentenceId, "sent_id", "sentence_idx", "sentence #"];

    internal static IReadOnlyList<string> LabelPrefixes { get; } = ["label_"];

    internal static IReadOnlyList<string> PredictedPrefixes { get; } = ["prediction_", "predicted_"];

    internal static IReadOnlyList<string> PositiveProbabilityPrefixes { get; } = ["probability_"];

    /// <summary>Index of the column for a role: canonical, then aliases, then exactly one prefixed column; -1 when none.
    /// Columns in <paramref name="taken"/> are skipped.</summary>
    internal static int Find(IReadOnlyList<string> columns, IReadOnlyList<string> names, IReadOnlyList<string> prefixes, ISet<int> taken)
    {
        foreach (var name in names)
        {
            for (var i = 0; i < columns.Count; i++)
            {
                if (!taken.Contains(i) && string.Equals(columns[i], name, StringComparison.OrdinalIgnoreCase))
                {
                    return i;
                }
            }
        }

        var found = -1;
        for (var i = 0; i < columns.Count; i++)
        {
            if (taken.Contains(i) || IsProbabilityColumn(columns[i]))
            {
                continue;
            }

            if (prefixes.Any(p => columns[i].Length > p.Length && columns[i].StartsWith(p, StringComparison.OrdinalIgnoreCase)))
            {
                if (found >= 0)
                {
                    return -1; // several candidates: none is taken silently
                }

                found = i;
            }
        }

        return found;
    }

    /// <summary>A <c>prob_&lt;class&gt;</c> column (the prefix compared ignoring case).</summary>
    public static bool IsProbabilityColumn(string column) =>
        column.Length > ProbabilityPrefix.Length && column.StartsWith(ProbabilityPrefix, StringComparison.OrdinalIgnoreCase);
}

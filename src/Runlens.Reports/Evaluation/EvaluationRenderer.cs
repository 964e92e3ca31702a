using System.Globalization;
using System.Text;
using Runlens.Analysis;
using Runlens.Analysis.Evaluation;
using Runlens.Reports.Contracts;

namespace Runlens.Reports.Evaluation;

/// <summary>
/// <c>runlens evaluate</c> output: <c>runlens.evaluation/v3</c> for one file, <c>runlens.evaluation-set/v3</c> for several
/// (with the seed aggregate when asked), as JSON, Markdown or plain text.
/// </summary>
public static class EvaluationRenderer
{
    public const string SetSchema = EvaluationSetDocument.CurrentSchema;

    /// <summary><c>runlens.evaluation/v3</c> for one file without an aggregate, else <c>runlens.evaluation-set/v3</c>, written
    /// from <see cref="EvaluationDocument"/> / <see cref="EvaluationSetDocument"/> through <see cref="ContractJson"/>.</summary>
    public static void WriteJson(IReadOnlyList<PredictionEvaluation> evaluations, SeedAggregate? aggregate, Stream output,
        IReadOnlyList<Analysis.Findings.Finding>? setFindings = null)
    {
        ArgumentNullException.ThrowIfNull(evaluations);
        ArgumentNullException.ThrowIfNull(output);
        if (evaluations.Count == 1 && aggregate is null)
        {
            ContractJson.WriteDocument(output, EvaluationDocument.From(evaluations[0]), ContractJsonWriter.Write);
        }
        else
        {
            ContractJson.WriteDocument(output, EvaluationSetDocument.From(evaluations, aggregate, setFindings), ContractJsonWriter.Write);
        }
    }

    /// <summary>Plain text (<paramref name="markdown"/> false) or Markdown tables.</summary>
    public static string ToText(IReadOnlyList<PredictionEvaluation> evaluations, SeedAggregate? aggregate, bool markdown,
        IReadOnlyList<Analysis.Findings.Finding>? setFindings = null)
    {
        ArgumentNullException.ThrowIfNull(evaluations);
        var sb = new StringBuilder();
        foreach (var e in evaluations)
        {
            var m = e.Metrics;
            sb.Append(markdown ? "## " : "── ").Append(e.Source).Append(markdown ? "\n\n" : "\n");
            sb.Append(CultureInfo.InvariantCulture, $"{m.Examples:N0} {(e.Entities is null ? "examples" : "tokens")}, {m.Classes.Count} classes\n\n");
            var rows = new List<(string, string)>
            {
                ("accuracy", Format.Number(m.Accuracy)),
                ("balanced accuracy", Format.Number(m.BalancedAccuracy)),
                ("precision macro / weighted", $"{Format.Number(m.Precision.Macro)} / {Format.Number(m.Precision.Weighted)}"),
                ("recall macro / weighted", $"{Format.Number(m.Recall.Macro)} / {Format.Number(m.Recall.Weighted)}"),
                ("F1 macro / weighted", $"{Format.Number(m.F1.Macro)} / {Format.Number(m.F1.Weighted)}"),
                ("MCC / Cohen's kappa", $"{Format.Number(m.MatthewsCorrelation)} / {Format.Number(m.CohenKappa)}"),
            };
            AddOptional(rows, "top-2 / top-3 accuracy", m.Classes.Count > 2 ? m.TopK2Accuracy : null, m.Classes.Count > 3 ? m.TopK3Accuracy : null);
            AddOptional(rows, "ROC-AUC macro / weighted", m.RocAucMacro, m.RocAucWeighted);
            AddOptional(rows, "average precision macro", m.AveragePrecisionMacro);
            AddOptional(rows, "log loss", m.LogLoss);
            AddOptional(rows, "Brier", m.Brier);
            AddOptional(rows, "ECE (15 bins)", m.ExpectedCalibrationError);
            AddOptional(rows, "mean entropy", m.EntropyMean);
            if (e.Entities is { } ent)
            {
                rows.Add(("entity P / R / F1 (micro)", $"{Format.Number(ent.Micro.Precision)} / {Format.Number(ent.Micro.Recall)} / {Format.Number(ent.Micro.F1)}"));
                rows.Add(("entity F1 macro / weighted", $"{Format.Number(ent.Macro.F1)} / {Format.Number(ent.Weighted.F1)}"));
            }

            Table(sb, markdown, ["metric", "value"], rows.Select(r => new[] { r.Item1, r.Item2 }));
            Table(sb, markdown, ["class", "precision", "recall", "F1", "support", "specificity"],
                m.PerClass.Select(c => new[] { c.Class, Format.Number(c.Precision), Format.Number(c.Recall), Format.Number(c.F1), c.Support.ToString(CultureInfo.InvariantCulture), Format.Number(c.Specificity) }));
            if (e.Intervals.Count > 0)
            {
                sb.Append(markdown ? "Bootstrap 95% intervals: " : "bootstrap 95%: ")
                    .Append(string.Join(", ", e.Intervals.OrderBy(kv => kv.Key, StringComparer.Ordinal)
                        .Select(kv => $"{kv.Key} [{Format.Number(kv.Value.Low)}, {Format.Number(kv.Value.High)}]")))
                    .Append("\n\n");
            }

            if (e.Samples.HighestEntropy.Length > 0)
            {
                Table(sb, markdown, ["least sure (highest entropy)", "label", "predicted", "confidence"],
                    e.Samples.HighestEntropy.Take(5).Select(x => new[] { x.Id, x.Label, x.Predicted, Format.Number(x.Confidence) }));
            }

            if (e.Samples.Incorrect.Length > 0)
            {
                Table(sb, markdown, ["incorrect (sample)", "label", "predicted"],
                    e.Samples.Incorrect.Take(5).Select(x => new[] { x.Id, x.Label, x.Predicted }));
            }

            if (e.Batches is { Worst.IsEmpty: false } batches)
            {
                Table(sb, markdown, [$"worst {batches.Column} (overall accuracy {Format.Number(batches.Overall)})", "examples", "accuracy", "files"],
                    batches.Worst.Take(10).Select(b => new[] { b.Batch, b.Examples.ToString(System.Globalization.CultureInfo.InvariantCulture), Format.Number(b.Accuracy),
                        string.Join(", ", b.ExampleIds.Take(8)) + (b.ExampleIds.Length > 8 ? ", …" : "") }));
            }

            foreach (var warning in m.Warnings.Where(x => x.Metric != "top_k_accuracy"))
            {
                sb.Append(markdown ? "- " : "warning: ").Append(warning.Message).Append('\n');
            }

            foreach (var warning in e.InputWarnings)
            {
                sb.Append(markdown ? "- " : "input: ").Append(warning).Append('\n');
            }

            foreach (var f in e.Findings)
            {
                sb.Append(markdown ? "- **" : "").Append(f.Severity.ToString().ToUpperInvariant()).Append(markdown ? "** " : " ")
                    .Append(f.Title).Append(markdown ? $" ([{f.Rule}](docs/rules/{f.RuleId}.md))\n" : $"  [{f.Rule}]\n");
                foreach (var r in f.Recommendations)
                {
                    sb.Append(markdown ? "  - " : "    → ").Append(r.Action).Append('\n');
                }
            }

            sb.Append('\n');
        }

        if (aggregate is not null)
        {
            sb.Append(markdown ? "## Across seeds\n\n" : "── across seeds\n");
            Table(sb, markdown, ["metric", "mean", "std", "min", "max", "95% CI", "best seed"],
                aggregate.Metrics.Select(kv => new[]
                {
                    kv.Key, Format.Number(kv.Value.Mean), Format.Number(kv.Value.Std), Format.Number(kv.Value.Min), Format.Number(kv.Value.Max),
                    $"[{Format.Number(kv.Value.Ci95.Low)}, {Format.Number(kv.Value.Ci95.High)}]", Path.GetFileName(kv.Value.BestSeed ?? ""),
                }));
            sb.Append(CultureInfo.InvariantCulture, $"best seed by {aggregate.PrimaryMetric}: {aggregate.BestSeed}\n");
            foreach (var f in setFindings ?? [])
            {
                sb.Append(markdown ? "- **" : "").Append(f.Severity.ToString().ToUpperInvariant()).Append(markdown ? "** " : " ").Append(f.Title).Append('\n');
                foreach (var r in f.Recommendations)
                {
                    sb.Append(markdown ? "  - " : "    → ").Append(r.Action).Append('\n');
                }
            }
        }

        return sb.ToString();
    }

    private static void AddOptional(List<(string, string)> rows, string name, double? a, double? b = null)
    {
        if (a is not null || b is not null)
        {
            rows.Add((name, b is null && a is { } only ? Format.Number(only) : $"{(a is { } x ? Format.Number(x) : "—")} / {(b is { } y ? Format.Number(y) : "—")}"));
        }
    }

    private static void Table(StringBuilder sb, bool markdown, string[] header, IEnumerable<string[]> rows)
    {
        var all = rows.ToList();
        if (markdown)
        {
            sb.Append("| ").Append(string.Join(" | ", header)).Append(" |\n|").Append(string.Concat(header.Select(_ => "---|"))).Append('\n');
            foreach (var r in all)
            {
                sb.Append("| ").Append(string.Join(" | ", r.Select(c => c.Replace("|", "\\|", StringComparison.Ordinal)))).Append(" |\n");
            }
        }
        else
        {
            var widths = header.Select((h, i) => Math.Max(h.Length, all.Count == 0 ? 0 : all.Max(r => r[i].Length))).ToArray();
            sb.Append(string.Join("  ", header.Select((h, i) => h.PadRight(widths[i])))).Append('\n');
            foreach (var r in all)
            {
                sb.Append(string.Join("  ", r.Select((c, i) => i == 0 ? c.PadRight(widths[i]) : c.PadLeft(widths[i])))).Append('\n');
            }
        }

        sb.Append('\n');
    }
}

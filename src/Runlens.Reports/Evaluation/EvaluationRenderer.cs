using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Runlens.Analysis;
using Runlens.Analysis.Entities;
using Runlens.Analysis.Evaluation;
using Runlens.Reports.Json;

namespace Runlens.Reports.Evaluation;

/// <summary>
/// <c>runlens evaluate</c> output: <c>runlens.evaluation/v1</c> for one file, <c>runlens.evaluation-set/v1</c> for several
/// (with the seed aggregate when asked), as JSON, Markdown or plain text.
/// </summary>
public static class EvaluationRenderer
{
    public const string SetSchema = "runlens.evaluation-set/v1";

    public static void WriteJson(IReadOnlyList<PredictionEvaluation> evaluations, SeedAggregate? aggregate, Stream output,
        IReadOnlyList<Analysis.Findings.Finding>? setFindings = null)
    {
        ArgumentNullException.ThrowIfNull(evaluations);
        ArgumentNullException.ThrowIfNull(output);
        using (var w = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            if (evaluations.Count == 1 && aggregate is null)
            {
                WriteEvaluation(w, evaluations[0]);
            }
            else
            {
                w.WriteStartObject();
                w.WriteString("schema", SetSchema);
                w.WriteStartArray("evaluations");
                foreach (var e in evaluations)
                {
                    WriteEvaluation(w, e);
                }

                w.WriteEndArray();
                if (aggregate is not null)
                {
                    w.WriteStartObject("aggregate");
                    foreach (var (name, a) in aggregate.Metrics)
                    {
                        w.WriteStartObject(name);
                        w.WriteStartArray("values");
                        foreach (var v in a.Values)
                        {
                            JsonNumbers.Write(w, v);
                        }

                        w.WriteEndArray();
                        JsonNumbers.Write(w, "mean", a.Mean);
                        JsonNumbers.Write(w, "std", a.Std);
                        JsonNumbers.Write(w, "min", a.Min);
                        JsonNumbers.Write(w, "max", a.Max);
                        w.WriteStartArray("ci95");
                        JsonNumbers.Write(w, a.Ci95.Low);
                        JsonNumbers.Write(w, a.Ci95.High);
                        w.WriteEndArray();
                        w.WriteString("best_seed", a.BestSeed);
                        w.WriteEndObject();
                    }

                    w.WriteEndObject();
                    w.WriteString("best_seed", aggregate.BestSeed);
                    w.WriteString("best_by", aggregate.PrimaryMetric);
                }

                w.WriteStartArray("findings");
                foreach (var f in setFindings ?? [])
                {
                    Json.DiagnosisJsonRenderer.WriteFinding(w, f);
                }

                w.WriteEndArray();

                w.WriteEndObject();
            }
        }

        output.WriteByte((byte)'\n');
    }

    internal static void WriteEvaluation(Utf8JsonWriter w, PredictionEvaluation e)
    {
        w.WriteStartObject();
        w.WriteString("schema", EvaluationJsonWriter.Schema);
        w.WriteString("source", e.Source);
        EvaluationJsonWriter.WriteClassification(w, e.Metrics);
        if (e.Entities is { } entities)
        {
            w.WriteStartObject("entities");
            w.WriteStartObject("per_type");
            foreach (var t in entities.PerType)
            {
                Scores(w, t.Type, t.Scores);
            }

            w.WriteEndObject();
            Scores(w, "micro", entities.Micro);
            Scores(w, "macro", entities.Macro);
            Scores(w, "weighted", entities.Weighted);
            JsonNumbers.Write(w, "token_accuracy", entities.TokenAccuracy);
            w.WriteStartArray("warnings");
            foreach (var warning in entities.Warnings)
            {
                w.WriteStringValue(warning);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        if (e.Intervals.Count > 0)
        {
            w.WriteStartObject("bootstrap_ci95");
            foreach (var (name, ci) in e.Intervals.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                w.WriteStartArray(name);
                JsonNumbers.Write(w, ci.Low);
                JsonNumbers.Write(w, ci.High);
                w.WriteEndArray();
            }

            w.WriteEndObject();
        }

        if (e.Batches is { } batches)
        {
            WriteBatches(w, batches);
        }

        Examples(w, "highest_entropy", e.Samples.HighestEntropy);
        w.WriteStartObject("samples");
        Examples(w, "correct", e.Samples.Correct);
        Examples(w, "incorrect", e.Samples.Incorrect);
        w.WriteEndObject();

        w.WriteStartArray("input_warnings");
        foreach (var warning in e.InputWarnings)
        {
            w.WriteStringValue(warning);
        }

        w.WriteEndArray();
        w.WriteStartArray("findings");
        foreach (var f in e.Findings)
        {
            Json.DiagnosisJsonRenderer.WriteFinding(w, f);
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary><c>"batches": {"column", "overall_accuracy", "batches": [{batch, examples, accuracy}], "worst": [{…, "example_ids"}]}</c>.</summary>
    private static void WriteBatches(Utf8JsonWriter w, BatchReport r)
    {
        w.WriteStartObject("batches");
        w.WriteString("column", r.Column);
        JsonNumbers.Write(w, "overall_accuracy", r.Overall);
        w.WriteNumber("min_gap", BatchReport.MinGap);
        w.WriteNumber("min_standard_errors", BatchReport.MinStandardErrors);
        foreach (var (name, list, ids) in new[] { ("batches", r.Batches, false), ("worst", r.Worst, true) })
        {
            w.WriteStartArray(name);
            foreach (var b in list)
            {
                w.WriteStartObject();
                w.WriteString("batch", b.Batch);
                w.WriteNumber("examples", b.Examples);
                JsonNumbers.Write(w, "accuracy", b.Accuracy);
                if (ids)
                {
                    JsonStrings.WriteArray(w, "example_ids", b.ExampleIds);
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
    }

    private static void Examples(Utf8JsonWriter w, string name, IReadOnlyList<ExampleView> examples)
    {
        w.WriteStartArray(name);
        foreach (var x in examples)
        {
            w.WriteStartObject();
            w.WriteString("example_id", x.Id);
            w.WriteNumber("line", x.Line);
            w.WriteString("label", x.Label);
            w.WriteString("predicted", x.Predicted);
            if (double.IsFinite(x.Entropy))
            {
                JsonNumbers.Write(w, "entropy", x.Entropy);
                JsonNumbers.Write(w, "confidence", x.Confidence);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void Scores(Utf8JsonWriter w, string name, EntityScores s)
    {
        w.WriteStartObject(name);
        JsonNumbers.Write(w, "precision", s.Precision);
        JsonNumbers.Write(w, "recall", s.Recall);
        JsonNumbers.Write(w, "f1", s.F1);
        w.WriteNumber("support", s.Support);
        w.WriteEndObject();
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

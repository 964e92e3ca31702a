using System.Text.Encodings.Web;
using System.Text.Json;
using Runlens.Analysis.Comparison;

namespace Runlens.Reports.Json;

/// <summary>
/// <c>runlens.comparison/v1</c> (documented field by field in <c>docs/comparison.md</c>): exactly one JSON document, runs
/// named by their unique label, property names in snake_case, invariant numbers, NaN/Infinity as strings.
/// </summary>
public sealed class ComparisonJsonRenderer : IComparisonRenderer
{
    private static readonly JsonWriterOptions Options = new()
    {
        Indented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public string Format => "json";

    public void Render(ExperimentComparison comparison, Stream output)
    {
        ArgumentNullException.ThrowIfNull(comparison);
        ArgumentNullException.ThrowIfNull(output);
        using var w = new Utf8JsonWriter(output, Options);
        Write(w, comparison);
        w.Flush();
        output.WriteByte((byte)'\n');
    }

    /// <summary>Writes the comparison as one JSON object (for hosts that embed it, e.g. an MCP tool result).</summary>
    public static void Write(Utf8JsonWriter w, ExperimentComparison c)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(c);
        var labels = c.Labels;
        w.WriteStartObject();
        w.WriteString("schema", ExperimentComparison.Schema);

        w.WriteStartArray("runs");
        for (var i = 0; i < c.Diagnoses.Length; i++)
        {
            var d = c.Diagnoses[i];
            var id = d.Run.Identity;
            w.WriteStartObject();
            w.WriteString("label", labels[i]);
            w.WriteString("id", id.Id);
            w.WriteString("name", id.Name);
            w.WriteStartObject("source");
            w.WriteString("format", id.Source.Format);
            w.WriteString("path", id.Source.Path);
            w.WriteEndObject();
            w.WriteString("status", d.Summary.Status.ToString().ToLowerInvariant());
            w.WriteString("headline", d.Summary.Headline);
            w.WriteString("primary_metric", d.Summary.PrimaryMetric);
            w.WriteNumber("findings", d.Findings.Length);
            w.WriteEndObject();
        }

        w.WriteEndArray();

        if (c.Primary is { } p)
        {
            w.WriteStartObject("primary_metric");
            w.WriteString("key", p.Key);
            w.WriteBoolean("greater_is_better", p.GreaterIsBetter);
            w.WriteString("source", p.Source);
            w.WriteBoolean("agreed", p.Agreed);
            w.WriteStartObject("per_run");
            for (var i = 0; i < labels.Length; i++)
            {
                w.WriteString(labels[i], p.PerRun[i]);
            }

            w.WriteEndObject();
            w.WriteString("note", p.Note);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("primary_metric");
        }

        w.WriteStartArray("ranking");
        foreach (var r in c.Ranking)
        {
            w.WriteStartObject();
            w.WriteNumber("rank", r.Rank);
            w.WriteString("run", labels[r.Run]);
            Point(w, "best", r.Primary.BestStep, r.Primary.Best);
            Point(w, "final", r.Primary.FinalStep, r.Primary.Final);
            JsonNumbers.Write(w, "gap_to_best", r.GapToBest);
            w.WriteEndObject();
        }

        w.WriteEndArray();

        if (c.Best is { } best)
        {
            w.WriteStartObject("best");
            w.WriteString("run", labels[best.Run]);
            w.WriteString("metric", c.Primary!.Key);
            JsonNumbers.Write(w, "value", best.Primary.Best);
            w.WriteNumber("step", best.Primary.BestStep);
            w.WriteString("second", c.Ranking.Length > 1 ? labels[c.Ranking[1].Run] : null);
            JsonNumbers.Write(w, "margin", c.Margin);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("best");
        }

        WriteSeeds(w, c.Seeds, labels);
        WriteConfig(w, c, labels);
        WriteMetrics(w, c, labels);

        w.WriteStartObject("stability");
        foreach (var s in c.Stability)
        {
            w.WriteStartObject(labels[s.Run]);
            w.WriteString("loss_key", s.LossKey);
            JsonNumbers.Write(w, "loss_std", s.LossStd);
            JsonNumbers.Write(w, "loss_std_from_step", s.LossStdFromStep);
            w.WriteNumber("loss_std_points", s.LossStdPoints);
            w.WriteNumber("non_finite_loss", s.NonFiniteLoss);
            JsonNumbers.Write(w, "grad_norm_median", s.GradNormMedian);
            JsonNumbers.Write(w, "grad_norm_max", s.GradNormMax);
            w.WriteEndObject();
        }

        w.WriteEndObject();

        w.WriteStartObject("findings");
        Findings(w, "unique", c.Unique, labels);
        Findings(w, "common", c.Common, labels);
        Findings(w, "partial", [.. c.Findings.Where(f => f.Runs.Length > 1 && f.Runs.Length < c.Diagnoses.Length)], labels);
        w.WriteEndObject();

        w.WriteStartArray("recommendations");
        foreach (var r in c.Recommendations)
        {
            w.WriteStartObject();
            w.WriteString("kind", r.Kind);
            w.WriteString("action", r.Action);
            Labels(w, "runs", r.Runs, labels);
            w.WritePropertyName("config_change");
            DiagnosisJsonRenderer.WriteChanges(w, r.ConfigChanges);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteSeeds(Utf8JsonWriter w, SeedComparison s, IReadOnlyList<string> labels)
    {
        w.WriteStartObject("seeds");
        w.WriteString("verdict", s.Verdict switch
        {
            SeedVerdict.SeedsUnknown => "seeds_unknown",
            SeedVerdict.OneConfiguration => "one_configuration",
            SeedVerdict.WithinSeedNoise => "within_seed_noise",
            SeedVerdict.BeyondSeedNoise => "beyond_seed_noise",
            _ => "not_applicable",
        });
        w.WriteString("message", s.Message);
        JsonStrings.WriteArray(w, "seed_keys", s.SeedKeys);
        JsonNumbers.Write(w, "margin", s.Margin);
        JsonNumbers.Write(w, "pooled_std", s.PooledStd);
        JsonNumbers.Write(w, "noise", s.Noise);
        w.WriteStartArray("groups");
        foreach (var g in s.Groups)
        {
            w.WriteStartObject();
            Labels(w, "runs", g.Runs, labels);
            w.WriteStartArray("values");
            foreach (var v in g.Values)
            {
                JsonNumbers.Write(w, v);
            }

            w.WriteEndArray();
            JsonNumbers.Write(w, "mean", g.Mean);
            JsonNumbers.Write(w, "std", g.Std);
            JsonNumbers.Write(w, "min", g.Min);
            JsonNumbers.Write(w, "max", g.Max);
            w.WriteBoolean("seeds_differ", g.SeedsDiffer);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteConfig(Utf8JsonWriter w, ExperimentComparison c, IReadOnlyList<string> labels)
    {
        w.WriteStartArray("config");
        foreach (var d in c.Config)
        {
            w.WriteStartObject();
            w.WriteString("key", d.Key);
            w.WriteString("kind", ConfigKeys.IsSeed(d.Key) ? "seed" : ConfigKeys.IsBookkeeping(d.Key) ? "bookkeeping" : "setting");
            w.WriteStartObject("values");
            for (var i = 0; i < labels.Count; i++)
            {
                w.WritePropertyName(labels[i]);
                if (c.Diagnoses[i].Run.Config.Get(d.Key) is { } v)
                {
                    DiagnosisJsonRenderer.WriteConfigValue(w, v);
                }
                else
                {
                    w.WriteNullValue();
                }
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void WriteMetrics(Utf8JsonWriter w, ExperimentComparison c, IReadOnlyList<string> labels)
    {
        w.WriteStartArray("metrics");
        foreach (var m in c.Metrics)
        {
            w.WriteStartObject();
            w.WriteString("key", m.Key);
            w.WriteBoolean("greater_is_better", m.GreaterIsBetter);
            JsonNumbers.Write(w, "target", m.Target);
            w.WriteBoolean("target_given", m.TargetGiven);
            JsonNumbers.Write(w, "common_step", m.CommonStep);
            w.WriteStartObject("runs");
            for (var i = 0; i < labels.Count; i++)
            {
                if (m.PerRun[i] is not { } s)
                {
                    w.WriteNull(labels[i]);
                    continue;
                }

                w.WriteStartObject(labels[i]);
                Point(w, "best", s.Summary.BestStep, s.Summary.Best);
                Point(w, "final", s.Summary.FinalStep, s.Summary.Final);
                JsonNumbers.Write(w, "target_step", s.TargetStep);
                JsonNumbers.Write(w, "at_common_step", s.AtCommonStep);
                w.WriteNumber("points", s.Points);
                w.WriteEndObject();
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void Findings(Utf8JsonWriter w, string name, IEnumerable<FindingPresence> findings, IReadOnlyList<string> labels)
    {
        w.WriteStartArray(name);
        foreach (var f in findings)
        {
            w.WriteStartObject();
            w.WriteString("rule", f.Rule);
            w.WriteString("id", f.RuleId);
            JsonStrings.WriteArray(w, "series", f.Series);
            w.WriteString("severity", f.Severity.ToString().ToLowerInvariant());
            w.WriteString("title", f.Title);
            Labels(w, "runs", f.Runs, labels);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void Labels(Utf8JsonWriter w, string name, IEnumerable<int> runs, IReadOnlyList<string> labels)
    {
        w.WriteStartArray(name);
        foreach (var i in runs)
        {
            w.WriteStringValue(labels[i]);
        }

        w.WriteEndArray();
    }

    private static void Point(Utf8JsonWriter w, string name, long step, double value)
    {
        w.WriteStartObject(name);
        w.WriteNumber("step", step);
        JsonNumbers.Write(w, "value", value);
        w.WriteEndObject();
    }
}

using System.Text.Encodings.Web;
using System.Text.Json;
using Runlens.Analysis.Sweeps;
using Runlens.Reports.Json;

namespace Runlens.Reports.Impact;

/// <summary><c>runlens.impact/v1</c>: one JSON document, snake_case names, NaN/Infinity as strings (docs/impact.md).</summary>
public sealed class ImpactJsonRenderer : IImpactRenderer
{
    private static readonly JsonWriterOptions Options = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public string Format => "json";

    public void Render(ImpactAnalysis analysis, Stream output)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        ArgumentNullException.ThrowIfNull(output);
        using (var w = new Utf8JsonWriter(output, Options))
        {
            Write(w, analysis);
        }

        output.WriteByte((byte)'\n');
    }

    /// <summary>Writes the document (for hosts that embed it, such as an MCP tool).</summary>
    public static void Write(Utf8JsonWriter w, ImpactAnalysis a)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(a);
        w.WriteStartObject();
        w.WriteString("schema", ImpactAnalysis.Schema);
        w.WriteStartObject("metric");
        w.WriteString("key", a.Metric);
        w.WriteString("source", a.MetricSource);
        w.WriteBoolean("greater_is_better", a.GreaterIsBetter);
        w.WriteString("value", a.Value == ImpactValue.Best ? "best" : "final");
        w.WriteEndObject();
        w.WriteNumber("runs", a.Runs);
        w.WriteNumber("runs_with_metric", a.RunsWithMetric);
        w.WriteNumber("constant_keys", a.ConstantKeys);

        w.WriteStartArray("parameters");
        foreach (var p in a.Parameters)
        {
            w.WriteStartObject();
            w.WriteString("key", p.Key);
            w.WriteString("kind", p.Kind == ParameterKind.Numeric ? "numeric" : "categorical");
            w.WriteNumber("runs", p.Runs);
            w.WriteNumber("distinct", p.Distinct);
            JsonStrings.WriteArray(w, "levels", p.Levels);
            if (p.Spearman is { } s)
            {
                w.WriteStartObject("spearman");
                JsonNumbers.Write(w, "rho", s.Rho);
                JsonNumbers.Write(w, "p_value", s.PValue);
                w.WriteNumber("n", s.N);
                w.WriteEndObject();
            }
            else
            {
                w.WriteNull("spearman");
            }

            if (p.Importance is { } i)
            {
                w.WriteStartObject("importance");
                JsonNumbers.Write(w, "mean", i.Mean);
                JsonNumbers.Write(w, "std", i.Std);
                JsonNumbers.Write(w, "share", i.Share);
                w.WriteBoolean("above_zero", i.AboveZero);
                w.WriteStartArray("per_fit");
                foreach (var v in i.PerFit)
                {
                    JsonNumbers.Write(w, v);
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }
            else
            {
                w.WriteNull("importance");
            }

            JsonStrings.WriteArray(w, "caveats", p.Caveats);
            w.WriteEndObject();
        }

        w.WriteEndArray();

        w.WriteStartArray("skipped");
        foreach (var s in a.Skipped)
        {
            w.WriteStartObject();
            w.WriteString("key", s.Key);
            w.WriteString("reason", s.Reason);
            w.WriteEndObject();
        }

        w.WriteEndArray();

        if (a.Forest is { } f)
        {
            w.WriteStartObject("forest");
            w.WriteString("library", f.Library);
            w.WriteNumber("trees", f.Trees);
            w.WriteNumber("repeats", f.Repeats);
            w.WriteNumber("train_runs", f.TrainRuns);
            w.WriteNumber("held_out_runs", f.HeldOutRuns);
            w.WriteStartArray("held_out_r2");
            foreach (var r in f.HeldOutR2)
            {
                JsonNumbers.Write(w, r);
            }

            w.WriteEndArray();
            JsonNumbers.Write(w, "held_out_r2_mean", f.HeldOutR2Mean);
            w.WriteString("encoding", f.Encoding);
            w.WriteString("importance", f.Measure);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("forest");
        }

        w.WriteStartArray("finding_rates");
        foreach (var t in a.FindingRates)
        {
            w.WriteStartObject();
            w.WriteString("parameter", t.Parameter);
            w.WriteStartArray("levels");
            foreach (var l in t.Levels)
            {
                w.WriteStartObject();
                w.WriteString("value", l.Value);
                w.WriteNumber("runs", l.Runs);
                w.WriteNumber("runs_with_metric", l.RunsWithMetric);
                JsonNumbers.Write(w, "metric_median", l.MetricMedian);
                w.WriteStartArray("findings");
                foreach (var r in l.Findings)
                {
                    w.WriteStartObject();
                    w.WriteString("rule", r.Rule);
                    w.WriteString("id", r.RuleId);
                    w.WriteNumber("runs", r.Runs);
                    JsonNumbers.Write(w, "share", r.Share);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();

        w.WriteStartArray("notable");
        foreach (var c in a.Notable)
        {
            w.WriteStartObject();
            w.WriteString("parameter", c.Parameter);
            w.WriteString("rule", c.Rule);
            w.WriteString("id", c.RuleId);
            w.WriteString("value", c.Value);
            w.WriteNumber("runs", c.Runs);
            JsonNumbers.Write(w, "share", c.Share);
            w.WriteString("other_value", c.OtherValue);
            w.WriteNumber("other_runs", c.OtherRuns);
            JsonNumbers.Write(w, "other_share", c.OtherShare);
            JsonNumbers.Write(w, "difference", c.Difference);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        JsonStrings.WriteArray(w, "caveats", a.Caveats);
        w.WriteEndObject();
    }
}

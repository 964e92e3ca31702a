using System.Text.Encodings.Web;
using System.Text.Json;
using Runlens.Analysis.Diagnoses;
using Runlens.Analysis.Findings;
using Runlens.Model;

namespace Runlens.Reports.Json;

/// <summary>
/// <c>runlens.diagnosis/v1</c> (one run) or <c>runlens.diagnoses/v1</c> (several): exactly one JSON document, property
/// names in snake_case, invariant numbers, NaN/Infinity as strings.
/// </summary>
public sealed class DiagnosisJsonRenderer : IDiagnosisRenderer
{
    private static readonly JsonWriterOptions Options = new()
    {
        Indented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public string Format => "json";

    public void Render(IReadOnlyList<Diagnosis> diagnoses, Stream output)
    {
        using var w = new Utf8JsonWriter(output, Options);
        if (diagnoses.Count == 1)
        {
            WriteDiagnosis(w, diagnoses[0]);
        }
        else
        {
            w.WriteStartObject();
            w.WriteString("schema", Diagnosis.SetSchema);
            w.WriteStartArray("runs");
            foreach (var d in diagnoses)
            {
                WriteDiagnosis(w, d);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.Flush();
        output.WriteByte((byte)'\n');
    }

    internal static void WriteDiagnosis(Utf8JsonWriter w, Diagnosis d)
    {
        w.WriteStartObject();
        w.WriteString("schema", Diagnosis.Schema);
        WriteRun(w, d.Run, d);
        WriteSummary(w, d.Summary);
        w.WriteStartArray("findings");
        foreach (var f in d.Findings)
        {
            WriteFinding(w, f);
        }

        w.WriteEndArray();
        w.WriteStartArray("root_causes");
        foreach (var c in d.RootCauses)
        {
            w.WriteStartObject();
            w.WriteString("id", c.Id);
            w.WriteString("title", c.Title);
            w.WriteString("severity", c.Severity.ToString().ToLowerInvariant());
            w.WriteString("explanation", c.Explanation);
            w.WriteStartArray("rules");
            foreach (var r in c.Rules)
            {
                w.WriteStringValue(r);
            }

            w.WriteEndArray();
            w.WriteString("fix_first", c.FixFirst?.Action);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        WriteCoverage(w, d.Coverage);
        w.WritePropertyName("config_changes");
        WriteChanges(w, d.ConfigChanges);
        w.WriteStartArray("next_steps");
        foreach (var s in d.NextSteps)
        {
            w.WriteStringValue(s);
        }

        w.WriteEndArray();
        WriteMetrics(w, d.Metrics);
        if (d.Predictions is { } p)
        {
            w.WritePropertyName("predictions");
            Evaluation.EvaluationRenderer.WriteEvaluation(w, p);
        }

        w.WriteEndObject();
    }

    private static void WriteRun(Utf8JsonWriter w, Run run, Diagnosis d)
    {
        w.WriteStartObject("run");
        w.WriteString("id", run.Identity.Id);
        w.WriteString("name", run.Identity.Name);
        w.WriteString("experiment", run.Identity.Experiment);
        w.WriteString("parent_id", run.Identity.ParentId);
        w.WriteStartObject("source");
        w.WriteString("format", run.Identity.Source.Format);
        w.WriteString("path", run.Identity.Source.Path);
        w.WriteEndObject();
        w.WriteString("status", run.Status.ToString().ToLowerInvariant());
        if (run.Identity.Time.Start is { } start)
        {
            w.WriteString("start_time", start);
        }

        if (run.Identity.Time.End is { } end)
        {
            w.WriteString("end_time", end);
        }

        w.WriteStartObject("config");
        foreach (var (k, v) in run.Config.Values)
        {
            w.WritePropertyName(k);
            WriteConfigValue(w, v);
        }

        w.WriteEndObject();
        JsonNumbers.Write(w, "global_step", RunFacts.GlobalStep(run));
        JsonNumbers.Write(w, "epochs", RunFacts.Epochs(run));
        var t = run.Trainer;
        JsonNumbers.Write(w, "max_steps", t.MaxSteps);
        JsonNumbers.Write(w, "num_train_epochs", t.NumTrainEpochs);
        w.WriteStartObject("trainer");
        w.WriteString("best_metric_key", t.BestMetricKey);
        JsonNumbers.Write(w, "best_metric", t.BestMetric);
        JsonNumbers.Write(w, "best_step", t.BestStep);
        w.WriteString("best_checkpoint", t.BestCheckpoint);
        if (t.EarlyStopping is { } es)
        {
            w.WriteStartObject("early_stopping");
            JsonNumbers.Write(w, "patience", es.Patience);
            JsonNumbers.Write(w, "threshold", es.Threshold);
            JsonNumbers.Write(w, "patience_counter", es.PatienceCounter);
            w.WriteBoolean("fired", es.Fired);
            w.WriteEndObject();
        }

        if (t.ShouldTrainingStop is { } stop)
        {
            w.WriteBoolean("should_training_stop", stop);
        }

        w.WriteEndObject();
        w.WriteStartArray("checkpoints");
        foreach (var c in run.Checkpoints)
        {
            w.WriteStartObject();
            w.WriteNumber("step", c.Step);
            w.WriteString("path", c.Path);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartObject("dataset");
        JsonNumbers.Write(w, "train_examples", run.Dataset.TrainExamples);
        JsonNumbers.Write(w, "eval_examples", run.Dataset.EvalExamples);
        JsonNumbers.Write(w, "test_examples", run.Dataset.TestExamples);
        w.WriteEndObject();
        w.WriteStartObject("summary");
        foreach (var (k, v) in run.Summary)
        {
            JsonNumbers.Write(w, k, v);
        }

        w.WriteEndObject();
        w.WriteStartArray("events");
        foreach (var e in run.Events)
        {
            w.WriteStartObject();
            w.WriteString("kind", EventKind(e.Kind));
            w.WriteString("message", e.Message);
            JsonNumbers.Write(w, "step", e.Step);
            w.WriteString("file", e.File);
            w.WriteString("location", e.Location);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
        _ = d;
    }

    private static void WriteSummary(Utf8JsonWriter w, DiagnosisSummary s)
    {
        w.WriteStartObject("summary");
        w.WriteString("status", s.Status.ToString().ToLowerInvariant());
        w.WriteString("headline", s.Headline);
        w.WriteString("primary_metric", s.PrimaryMetric);
        w.WriteString("primary_metric_source", s.PrimarySource);
        w.WriteBoolean("greater_is_better", s.GreaterIsBetter);
        WritePoint(w, "best", s.Best);
        WritePoint(w, "final", s.Final);
        JsonNumbers.Write(w, "steps_past_best", s.StepsPastBest);
        JsonNumbers.Write(w, "evals_past_best", s.EvalsPastBest);
        w.WriteEndObject();
    }

    /// <summary><c>{"step": …, "value": …}</c> (and <c>epoch</c> when known), or null.</summary>
    public static void WritePoint(Utf8JsonWriter w, string name, MetricPoint? p)
    {
        if (p is not { } point)
        {
            w.WriteNull(name);
            return;
        }

        w.WriteStartObject(name);
        w.WriteNumber("step", point.Step);
        JsonNumbers.Write(w, "value", point.Value);
        if (double.IsFinite(point.Epoch))
        {
            w.WriteNumber("epoch", point.Epoch);
        }

        w.WriteEndObject();
    }

    public static void WriteFinding(Utf8JsonWriter w, Finding f)
    {
        w.WriteStartObject();
        w.WriteString("rule", f.Rule);
        w.WriteString("id", f.RuleId);
        w.WriteString("severity", f.Severity.ToString().ToLowerInvariant());
        w.WriteNumber("confidence", Math.Round(f.Confidence, 3));
        w.WriteString("title", f.Title);
        w.WritePropertyName("evidence");
        EvidenceJson.Write(w, f.Evidence);
        w.WriteStartArray("steps");
        foreach (var s in f.Steps)
        {
            w.WriteNumberValue(s);
        }

        w.WriteEndArray();
        w.WriteStartArray("series");
        foreach (var s in f.SeriesKeys)
        {
            w.WriteStringValue(s);
        }

        w.WriteEndArray();
        w.WriteString("root_cause", f.RootCause);
        w.WriteStartArray("recommendations");
        foreach (var r in f.Recommendations)
        {
            w.WriteStartObject();
            w.WriteString("action", r.Action);
            w.WritePropertyName("config_change");
            WriteChanges(w, r.ConfigChanges);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteString("docs", $"docs/rules/{f.RuleId}.md");
        w.WriteEndObject();
    }

    internal static void WriteChanges(Utf8JsonWriter w, IEnumerable<ConfigChange> changes)
    {
        w.WriteStartObject();
        foreach (var c in changes)
        {
            w.WriteStartObject(c.Key);
            w.WritePropertyName("from");
            if (c.From is { } from)
            {
                WriteConfigValue(w, from);
            }
            else
            {
                w.WriteNullValue();
            }

            w.WritePropertyName("to");
            WriteConfigValue(w, c.To);
            w.WriteEndObject();
        }

        w.WriteEndObject();
    }

    /// <summary>A config value as its JSON type: number, boolean, null or string.</summary>
    public static void WriteConfigValue(Utf8JsonWriter w, ConfigValue v)
    {
        switch (v.Kind)
        {
            case ConfigValueKind.Null:
                w.WriteNullValue();
                break;
            case ConfigValueKind.Number:
                JsonNumbers.Write(w, v.Number);
                break;
            case ConfigValueKind.Boolean:
                w.WriteBooleanValue(v.Boolean);
                break;
            default:
                w.WriteStringValue(v.Text);
                break;
        }
    }

    /// <summary>The <c>coverage</c> object; without <paramref name="rulesRun"/> the lists of rules that ran and failed are
    /// left out (a compact view for agents).</summary>
    public static void WriteCoverage(Utf8JsonWriter w, Coverage c, bool rulesRun = true)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(c);
        w.WriteStartObject("coverage");
        w.WriteNumber("score", c.Score);
        JsonStrings.WriteArray(w, "present", c.Present);
        w.WriteStartArray("missing");
        foreach (var m in c.Missing)
        {
            w.WriteStartObject();
            w.WriteString("signal", m.Signal);
            JsonStrings.WriteArray(w, "blocks", m.Blocks);
            w.WriteString("how_to_log", m.HowToLog);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        if (!rulesRun)
        {
            w.WriteEndObject();
            return;
        }

        JsonStrings.WriteArray(w, "rules_run", c.RulesRun);
        JsonStrings.WriteArray(w, "rule_errors", c.RuleErrors);
        w.WriteEndObject();
    }

    private static void WriteMetrics(Utf8JsonWriter w, IEnumerable<SeriesStats> stats)
    {
        w.WriteStartObject("metrics");
        foreach (var s in stats)
        {
            w.WriteStartObject(s.Key);
            w.WriteString("original_name", s.OriginalName);
            w.WriteNumber("count", s.Count);
            WritePoint(w, "first", s.First);
            WritePoint(w, "last", s.Last);
            WritePoint(w, "min", s.Min);
            WritePoint(w, "max", s.Max);
            w.WriteNumber("non_finite", s.NonFinite);
            w.WriteEndObject();
        }

        w.WriteEndObject();
    }

    /// <summary>An event kind as the JSON contracts and the native API name it: <c>import_damage</c>, <c>early_stop</c>, <c>control</c>.</summary>
    public static string EventKind(RunEventKind kind) => Snake(kind.ToString());

    private static string Snake(string pascal) =>
        string.Concat(pascal.Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}

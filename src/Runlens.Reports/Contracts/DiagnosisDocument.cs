using System.Text.Json.Serialization;
using Runlens.Analysis.Diagnoses;
using Runlens.Analysis.Rules.RunAccounting;

namespace Runlens.Reports.Contracts;

/// <summary>
/// <c>runlens.diagnosis/v2</c>: everything Runlens concluded about one run (DESIGN §2): the run object, the summary,
/// the best / final / drop-from-best table of its task metrics, its data and run accounting, findings sorted by severity, root causes, coverage, the merged config changes, next steps, per-series statistics and,
/// when predictions were given, their evaluation. <c>metrics</c> and <c>run.config</c> are left out only by views that say
/// so (MCP <c>diagnose_run</c> with compact=true), which also add <c>findings_left_out</c> when they drop findings.
/// </summary>
public sealed record DiagnosisDocument(
    string Schema,
    RunJson Run,
    SummaryJson Summary,
    IReadOnlyList<MetricOutcomeJson> TaskMetrics,
    int TaskMetricsLeftOut,
    AccountingJson Accounting,
    IReadOnlyList<FindingJson> Findings,
    IReadOnlyList<RootCauseJson> RootCauses,
    CoverageJson Coverage,
    IReadOnlyDictionary<string, ConfigChangeJson> ConfigChanges,
    IReadOnlyList<string> NextSteps,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, SeriesStatsJson>? Metrics,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] EvaluationDocument? Predictions,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? FindingsLeftOut = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] TrainingPredictionsJson? TrainingPredictions = null)
{
    public const string CurrentSchema = Diagnosis.Schema;

    public static DiagnosisDocument From(Diagnosis d)
    {
        ArgumentNullException.ThrowIfNull(d);
        var metrics = new Dictionary<string, SeriesStatsJson>(StringComparer.Ordinal);
        foreach (var s in d.Metrics)
        {
            metrics[s.Key] = SeriesStatsJson.From(s);
        }

        var outcomes = MetricOutcome.Of(d.Run, d.Summary.PrimaryMetric, d.Summary.GreaterIsBetter);
        return new(CurrentSchema, RunJson.From(d.Run), SummaryJson.From(d.Summary), [.. outcomes.Select(MetricOutcomeJson.From)],
            MetricOutcome.LeftOut(d.Run, d.Summary.PrimaryMetric, outcomes), AccountingJson.From(RunAccount.Of(d.Run)), [.. d.Findings.Select(FindingJson.From)],
            [.. d.RootCauses.Select(RootCauseJson.From)], CoverageJson.From(d.Coverage), ConfigChangeJson.Map(d.ConfigChanges), d.NextSteps,
            metrics, d.Predictions is { } p ? EvaluationDocument.From(p, curves: false) : null,
            TrainingPredictions: d.TrainingPredictions is { } t ? TrainingPredictionsJson.From(t) : null);
    }
}

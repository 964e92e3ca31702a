using System.ComponentModel;
using System.Globalization;
using ModelContextProtocol.Server;
using Runlens.Analysis.Comparison;
using Runlens.Analysis.Findings;
using Runlens.Analysis.Rules;
using Runlens.Pipeline.Diagnosing;
using Runlens.Reports.Contracts;

namespace Runlens.Mcp.Tools;

/// <summary>Tools that analyse stored runs: <c>diagnose_run</c>, <c>compare_runs</c>, <c>hyperparameter_impact</c>,
/// <c>explain_rule</c>.</summary>
[McpServerToolType]
internal sealed class AnalysisTools(McpRunContext context)
{
    public const string DiagnoseRun = "diagnose_run";
    public const string CompareRuns = "compare_runs";
    public const string ExplainRule = "explain_rule";
    public const string HyperparameterImpact = "hyperparameter_impact";

    /// <summary>Most runs <c>compare_runs</c> takes.</summary>
    public const int MaxCompared = 10;

    [McpServerTool(Name = DiagnoseRun, ReadOnly = true, Idempotent = true, Title = "Diagnose a run")]
    [Description("Runs Runlens' rule catalogue over a stored run and returns the runlens.diagnosis/v2 JSON, the same "
        + "document `runlens analyze RUN --format json` prints: summary (status healthy|warning|critical, headline, primary "
        + "metric best/final, steps past best), findings sorted by severity (rule slug and id, severity, confidence, title, "
        + "evidence numbers, steps, recommendations with config changes), root causes, coverage (rules blocked by missing "
        + "signals), a merged recommended config diff and next steps; when predictions were uploaded for the run, their "
        + "metrics ('predictions') and the data and label rules too. With compact=true (default) the per-series statistics "
        + "('metrics') and the run's config are left out (get_run has them): typically 3-15 KB; compact=false adds them. "
        + "min_severity keeps only findings (and root causes) at or above that level. data_dir (a folder of the run's training "
        + "data on the server's machine, as `runlens analyze RUN --data-dir DIR`) adds the data audit's findings: a label "
        + "leaked into a feature, validation rows copied from training, etc. explain_rule explains a finding's rule.")]
    public Task<string> DiagnoseRunAsync(
        [Description("Run id, or the run's exact name when it is unique.")] string run,
        [Description("Lowest severity of the findings to return: info (all, default), warning, or error.")] string min_severity = "info",
        [Description("Leave out per-series statistics and the run's config (default true) to keep the answer small.")] bool compact = true,
        [Description("Optional: absolute path (or relative to the server's working folder) of the run's training data on the server's machine; its audit joins the diagnosis.")] string? data_dir = null,
        CancellationToken cancellationToken = default) =>
        ToolError.GuardAsync(DiagnoseRun, async () =>
        {
            if (!Enum.TryParse<Severity>(min_severity?.Trim(), ignoreCase: true, out var floor) || !Enum.IsDefined(floor) || char.IsAsciiDigit(min_severity!.Trim()[0]))
            {
                throw ToolError.Bad($"min_severity '{min_severity}' is not one of info, warning, error");
            }

            var record = await context.ResolveAsync(run, "run", cancellationToken).ConfigureAwait(false);
            var diagnosis = await context.DiagnoseAsync(record.Id, cancellationToken).ConfigureAwait(false);
            if (!string.IsNullOrWhiteSpace(data_dir))
            {
                var audited = await DiagnosisService.TryWithDataAuditAsync([diagnosis], Path.GetFullPath(data_dir), cancellationToken).ConfigureAwait(false);
                diagnosis = audited.Diagnoses is { } d ? d[0] : throw ToolError.Bad("data_dir: " + audited.Error);
            }

            var doc = DiagnosisDocument.From(diagnosis);
            if (floor > Severity.Info)
            {
                doc = doc with
                {
                    Findings = [.. doc.Findings.Where(f => AtLeast(f.Severity, floor))],
                    RootCauses = [.. doc.RootCauses.Where(c => AtLeast(c.Severity, floor))],
                    FindingsLeftOut = diagnosis.Findings.Count(f => f.Severity < floor),
                };
            }

            if (compact)
            {
                doc = doc with { Metrics = null, Run = doc.Run with { Config = null } };
            }

            return CompactJson.Write(doc, ContractJson.Compact.DiagnosisDocument);
        });

    private static bool AtLeast(string? severity, Severity floor) =>
        Enum.TryParse<Severity>(severity, ignoreCase: true, out var s) && s >= floor;

    [McpServerTool(Name = CompareRuns, ReadOnly = true, Idempotent = true, Title = "Compare runs")]
    [Description("Compares 2 to 10 stored runs as runlens.comparison/v1 JSON (the same as `runlens compare --format json`): "
        + "which run is best on the primary metric and by how much, and whether that margin is beyond the seed-to-seed "
        + "spread when runs differ only by a seed key ('seeds'); the config keys whose values differ (and only those); for "
        + "every metric each run's best and final value with steps, the step it reached a target and its value at the last "
        + "common step; stability (loss_std over the last 10% of the training loss, grad_norm median/max); the findings only "
        + "one run has, those all share, and the rest; and recommendations (e.g. 'the run with warmup_steps=500 is the only "
        + "one without loss spikes'). Runs are named by label (their name). Pass 'metrics' to keep only some series in "
        + "'metrics'. Typically 3-15 KB.")]
    public Task<string> CompareRunsAsync(
        [Description("2 to 10 run ids (or exact unique names), in the order to show them.")] string[] runs,
        [Description("Only these series keys in 'metrics' (e.g. [\"val/loss\", \"val/accuracy\"]); default: every metric.")] string[]? metrics = null,
        CancellationToken cancellationToken = default) =>
        ToolError.GuardAsync(CompareRuns, async () =>
        {
            if (runs is null || runs.Length < 2 || runs.Length > MaxCompared)
            {
                throw ToolError.Bad(string.Create(CultureInfo.InvariantCulture, $"runs: give 2 to {MaxCompared} run ids, got {runs?.Length ?? 0}"));
            }

            var diagnoses = new List<Analysis.Diagnoses.Diagnosis>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var r in runs)
            {
                var record = await context.ResolveAsync(r, "runs", cancellationToken).ConfigureAwait(false);
                if (!seen.Add(record.Id))
                {
                    throw ToolError.Bad($"runs: run '{record.Id}' is given twice; give each run once");
                }

                diagnoses.Add(await context.DiagnoseAsync(record.Id, cancellationToken).ConfigureAwait(false));
            }

            var comparison = ExperimentComparison.Of(diagnoses);
            var doc = ComparisonDocument.From(comparison);
            if (metrics is { Length: > 0 })
            {
                var keep = new HashSet<string>(metrics, StringComparer.Ordinal);
                doc = doc with { Metrics = [.. doc.Metrics.Where(m => keep.Contains(m.Key))] };
            }

            return CompactJson.Write(doc, ContractJson.Compact.ComparisonDocument);
        });

    [McpServerTool(Name = HyperparameterImpact, ReadOnly = true, Idempotent = true, Title = "Hyperparameter impact over a sweep")]
    [Description("Which hyperparameters matter for a metric over many runs of one sweep, as runlens.impact/v1 JSON (the "
        + "same as `runlens impact --format json`): for each config key that varies, its Spearman correlation with the "
        + "metric (rho, p-value, n; numeric keys) and its random-forest permutation importance (50 trees as scikit-learn grows them, mean and "
        + "std over 5 seeded fits, measured on held-out runs; all keys together), plus, per value of categorical keys, the "
        + "share of runs having each finding (e.g. divergence in 40% of runs with optimizer=sgd vs 0% with adamw) and the "
        + "notable contrasts. 'caveats' says when there are too few runs (under 10) to conclude anything. Give an "
        + "experiment or a list of runs. Each run is diagnosed, so a sweep of hundreds of runs takes seconds; typically 2-20 KB.")]
    public Task<string> HyperparameterImpactAsync(
        [Description("Experiment whose runs form the sweep (list_runs shows each run's experiment).")] string? experiment = null,
        [Description("Or the sweep's run ids (or exact unique names), at least 2.")] string[]? runs = null,
        [Description("Metric key or name as logged (val/loss, eval_accuracy); default: the primary metric most runs share.")] string? metric = null,
        [Description("best (default): each run's best value in the metric's direction; final: its last logged value.")] string value = "best",
        CancellationToken cancellationToken = default) =>
        ToolError.GuardAsync(HyperparameterImpact, async () =>
        {
            if (!Enum.TryParse<Analysis.Sweeps.ImpactValue>(value?.Trim(), ignoreCase: true, out var which) || !Enum.IsDefined(which) || char.IsAsciiDigit(value!.Trim()[0]))
            {
                throw ToolError.Bad($"value '{value}' is not one of best, final");
            }

            var ids = new List<string>();
            if (!string.IsNullOrWhiteSpace(experiment))
            {
                var listed = await context.Diagnoses.Runs.ExperimentAsync(experiment.Trim(), cancellationToken).ConfigureAwait(false);
                if (listed.Count == 0)
                {
                    throw ToolError.Bad($"experiment: no runs of experiment '{experiment}' in the store; call list_runs to see the experiments");
                }

                ids.AddRange(listed);
            }

            foreach (var r in runs ?? [])
            {
                ids.Add((await context.ResolveAsync(r, "runs", cancellationToken).ConfigureAwait(false)).Id);
            }

            ids = [.. ids.Distinct(StringComparer.Ordinal)];
            if (ids.Count < 2)
            {
                throw ToolError.Bad("give an experiment, or runs with at least 2 run ids: impact compares runs of one sweep");
            }

            // Read and diagnosed on every core (a sweep not diagnosed before is most of this call's time), kept in order.
            var diagnoses = new Analysis.Diagnoses.Diagnosis[ids.Count];
            await Parallel.ForEachAsync(Enumerable.Range(0, ids.Count), new ParallelOptions { CancellationToken = cancellationToken },
                async (i, ct) => diagnoses[i] = await context.DiagnoseAsync(ids[i], ct).ConfigureAwait(false)).ConfigureAwait(false);

            Analysis.Sweeps.ImpactAnalysis analysis;
            try
            {
                analysis = Analysis.Sweeps.ImpactAnalyzer.Analyze(diagnoses, new Analysis.Sweeps.ImpactOptions { Metric = metric, Value = which });
            }
            catch (ArgumentException ex)
            {
                throw ToolError.Bad("metric: " + ex.Message);
            }

            return CompactJson.Write(ImpactDocument.From(analysis), ContractJson.Compact.ImpactDocument);
        });

    [McpServerTool(Name = ExplainRule, ReadOnly = true, Idempotent = true, Title = "Explain a rule")]
    [Description("The documentation page of one diagnostic rule, as Markdown: what it detects and its thresholds, why it "
        + "matters, the evidence it shows, how to fix it, when to ignore it, and its options. Name the rule by id (RL0101) "
        + "or slug (overfitting), as a finding's 'id' or 'rule' field gives them. 2-5 KB of Markdown, not JSON.")]
    public Task<string> ExplainRuleAsync(
        [Description("Rule id (e.g. RL0101) or slug (e.g. overfitting), case-insensitive.")] string rule) =>
        ToolError.GuardAsync(ExplainRule, () =>
        {
            var found = string.IsNullOrWhiteSpace(rule) ? null : RuleCatalog.Find(rule.Trim());
            if (found is null)
            {
                throw ToolError.Bad($"rule: no rule '{rule}'. Rules (id slug): "
                    + string.Join(", ", RuleCatalog.All.Select(r => r.Descriptor.Id + " " + r.Descriptor.Slug)));
            }

            return Task.FromResult(RulePages.Read(found.Descriptor.Id)
                ?? throw ToolError.Bad($"rule: {found.Descriptor.Id} has no documentation page in this build"));
        });
}

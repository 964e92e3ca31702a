using System.ComponentModel;
using System.Globalization;
using System.Text.Json.Nodes;
using ModelContextProtocol.Server;
using Runlens.Analysis.Comparison;
using Runlens.Analysis.Findings;
using Runlens.Analysis.Rules;
using Runlens.Reports.Json;

namespace Runlens.Mcp.Tools;

/// <summary>Tools that analyse stored runs: <c>diagnose_run</c>, <c>compare_runs</c>, <c>explain_rule</c>.</summary>
[McpServerToolType]
internal sealed class AnalysisTools(McpRunContext context)
{
    public const string DiagnoseRun = "diagnose_run";
    public const string CompareRuns = "compare_runs";
    public const string ExplainRule = "explain_rule";

    /// <summary>Most runs <c>compare_runs</c> takes.</summary>
    public const int MaxCompared = 10;

    [McpServerTool(Name = DiagnoseRun, ReadOnly = true, Idempotent = true, Title = "Diagnose a run")]
    [Description("Runs Runlens' rule catalogue over a stored run and returns the runlens.diagnosis/v1 JSON, the same "
        + "document `runlens analyze RUN --format json` prints: summary (status healthy|warning|critical, headline, primary "
        + "metric best/final, steps past best), findings sorted by severity (rule slug and id, severity, confidence, title, "
        + "evidence numbers, steps, recommendations with config changes), root causes, coverage (rules blocked by missing "
        + "signals), a merged recommended config diff and next steps. With compact=true (default) the per-series statistics "
        + "('metrics') and the run's config are left out (get_run has them): typically 3-15 KB; compact=false adds them. "
        + "min_severity keeps only findings (and root causes) at or above that level. explain_rule explains a finding's rule.")]
    public Task<string> DiagnoseRunAsync(
        [Description("Run id, or the run's exact name when it is unique.")] string run,
        [Description("Lowest severity of the findings to return: info (all, default), warning, or error.")] string min_severity = "info",
        [Description("Leave out per-series statistics and the run's config (default true) to keep the answer small.")] bool compact = true,
        CancellationToken cancellationToken = default) =>
        ToolError.GuardAsync(DiagnoseRun, async () =>
        {
            if (!Enum.TryParse<Severity>(min_severity?.Trim(), ignoreCase: true, out var floor) || !Enum.IsDefined(floor) || char.IsAsciiDigit(min_severity!.Trim()[0]))
            {
                throw ToolError.Bad($"min_severity '{min_severity}' is not one of info, warning, error");
            }

            var record = await context.ResolveAsync(run, "run", cancellationToken).ConfigureAwait(false);
            var diagnosis = await context.DiagnoseAsync(record.Id, cancellationToken).ConfigureAwait(false);
            using var buffer = new MemoryStream();
            new DiagnosisJsonRenderer().Render([diagnosis], buffer);
            var doc = JsonNode.Parse(buffer.ToArray())!.AsObject();
            if (floor > Severity.Info)
            {
                foreach (var name in (string[])["findings", "root_causes"])
                {
                    if (doc[name] is JsonArray list)
                    {
                        foreach (var item in list.Where(f => !AtLeast(f?["severity"]?.GetValue<string>(), floor)).ToList())
                        {
                            list.Remove(item);
                        }
                    }
                }

                doc["findings_left_out"] = diagnosis.Findings.Count(f => f.Severity < floor);
            }

            if (compact)
            {
                doc.Remove("metrics");
                if (doc["run"] is JsonObject runNode)
                {
                    runNode.Remove("config");
                }
            }

            return doc.ToJsonString(CompactJson.NodeOptions);
        });

    private static bool AtLeast(string? severity, Severity floor) =>
        Enum.TryParse<Severity>(severity, ignoreCase: true, out var s) && s >= floor;

    [McpServerTool(Name = CompareRuns, ReadOnly = true, Idempotent = true, Title = "Compare runs")]
    [Description("Puts 2 to 10 stored runs side by side: the config keys whose values differ between them (and only "
        + "those, one value per run, null where a run lacks the key) and, for every metric, each run's best value (lowest "
        + "for a loss, highest otherwise) and final value with their steps (null where a run did not log it). System "
        + "readings (gpu, cpu, memory) are not compared. Pass 'metrics' to keep only some series. Typically 1-6 KB. Use it "
        + "to see which config change went with which outcome.")]
    public Task<string> CompareRunsAsync(
        [Description("2 to 10 run ids (or exact unique names), in the order to show them.")] string[] runs,
        [Description("Only these series keys (e.g. [\"val/loss\", \"val/accuracy\"]); default: every metric.")] string[]? metrics = null,
        CancellationToken cancellationToken = default) =>
        ToolError.GuardAsync(CompareRuns, async () =>
        {
            if (runs is null || runs.Length < 2 || runs.Length > MaxCompared)
            {
                throw ToolError.Bad(string.Create(CultureInfo.InvariantCulture, $"runs: give 2 to {MaxCompared} run ids, got {runs?.Length ?? 0}"));
            }

            var loaded = new List<Model.Run>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var r in runs)
            {
                var record = await context.ResolveAsync(r, "runs", cancellationToken).ConfigureAwait(false);
                if (!seen.Add(record.Id))
                {
                    throw ToolError.Bad($"runs: run '{record.Id}' is given twice; give each run once");
                }

                loaded.Add(await context.RunAsync(record.Id, cancellationToken).ConfigureAwait(false));
            }

            var comparison = RunComparison.Of(loaded);
            return ComparisonJson.Write(comparison, metrics is { Length: > 0 } ? new HashSet<string>(metrics, StringComparer.Ordinal) : null);
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

using System.Text;
using Runlens.Analysis.Comparison;
using T = Runlens.Reports.ComparisonText;

namespace Runlens.Reports.Markdown;

/// <summary>
/// A comparison for people: Summary (best run, margin, the seed verdict), Ranking, Config that differs, Curves,
/// Stability, Findings (only in one run, in every run, in some) and Recommendations, as Markdown tables.
/// </summary>
public sealed class ComparisonMarkdownRenderer : IComparisonRenderer
{
    /// <summary>Metrics beyond this many are left to the JSON output (a run may log hundreds of per-class series).</summary>
    public const int MaxMetrics = 30;

    public string Format => "md";

    public void Render(ExperimentComparison comparison, Stream output)
    {
        ArgumentNullException.ThrowIfNull(comparison);
        ArgumentNullException.ThrowIfNull(output);
        var c = comparison;
        var sb = new StringBuilder();
        sb.Append("# Comparison of ").Append(c.Diagnoses.Length).Append(" runs\n\n");
        sb.Append("## Summary\n\n");
        sb.Append("- **Primary metric**: ").Append(Cell(T.Primary(c))).Append('\n');
        if (c.Primary?.Note is { } note)
        {
            sb.Append("  - ").Append(note).Append('\n');
        }

        sb.Append("- **Best**: ").Append(Cell(T.Best(c))).Append('\n');
        sb.Append("- **Seeds**: ").Append(c.Seeds.Message).Append('\n');
        sb.Append("- **Runs**: ");
        sb.AppendJoin(", ", c.Diagnoses.Select((d, i) => $"{Cell(c.Labels[i])} ({d.Summary.Status.ToString().ToLowerInvariant()}, `{d.Run.Identity.Source.Path}`)"));
        sb.Append("\n\n");

        if (c.Ranking.Length > 0)
        {
            sb.Append("## Ranking\n\n| rank | run | best | at step | final | at step | behind the best |\n|---:|---|---:|---:|---:|---:|---:|\n");
            foreach (var r in c.Ranking)
            {
                sb.Append($"| {r.Rank} | {Cell(c.Labels[r.Run])} | {T.Value(r.Primary.Best)} | {T.Step(r.Primary.BestStep)} | {T.Value(r.Primary.Final)} | {T.Step(r.Primary.FinalStep)} | {T.Value(r.GapToBest)} |\n");
            }

            sb.Append('\n');
        }

        sb.Append("## Config that differs\n\n");
        if (c.Config.IsEmpty)
        {
            sb.Append("Every config key has the same value in every run.\n\n");
        }
        else
        {
            Header(sb, "key", c);
            foreach (var d in c.Config)
            {
                var kind = ConfigKeys.IsSeed(d.Key) ? " (seed)" : ConfigKeys.IsBookkeeping(d.Key) ? " (bookkeeping)" : "";
                sb.Append("| `").Append(d.Key).Append('`').Append(kind);
                foreach (var v in d.Values)
                {
                    sb.Append(" | ").Append(v is null ? "–" : Cell(v));
                }

                sb.Append(" |\n");
            }

            sb.Append('\n');
        }

        sb.Append("## Curves\n\nBest and final value with their steps, and the first step at least as good as the target ")
            .Append("(by default the worst run's best value).\n\n");
        var shown = T.Shown(c, MaxMetrics);
        sb.Append("| metric | target");
        foreach (var l in c.Labels)
        {
            sb.Append(" | ").Append(Cell(l));
        }

        sb.Append(" |\n|---|---:").Append(string.Concat(Enumerable.Repeat("|---", c.Labels.Length))).Append("|\n");
        foreach (var m in shown)
        {
            sb.Append("| `").Append(m.Key).Append('`').Append(m.GreaterIsBetter ? " ↑" : " ↓").Append(" | ").Append(T.Target(m));
            foreach (var s in m.PerRun)
            {
                sb.Append(" | ").Append(T.Curve(s, m.Target));
            }

            sb.Append(" |\n");
        }

        if (T.Scored(c).Count > shown.Count)
        {
            sb.Append("\n").Append(T.Scored(c).Count - shown.Count).Append(" more metrics are in `--format json`.\n");
        }

        sb.Append("\n## Stability\n\n`loss_std`: sample standard deviation of the training loss over the last tenth of its logged points.\n\n");
        sb.Append("| run | training loss | loss_std | from step | non-finite | grad_norm median | grad_norm max |\n|---|---|---:|---:|---:|---:|---:|\n");
        foreach (var s in c.Stability)
        {
            sb.Append($"| {Cell(c.Labels[s.Run])} | {(s.LossKey is null ? "–" : $"`{s.LossKey}`")} | {T.Value(s.LossStd)} | {T.Step(s.LossStdFromStep)} | {s.NonFiniteLoss} | {T.Value(s.GradNormMedian)} | {T.Value(s.GradNormMax)} |\n");
        }

        sb.Append("\n## Findings\n\n");
        Findings(sb, "Only in one run", c.Unique, c);
        Findings(sb, "In every run", c.Common, c);
        Findings(sb, "In some runs", [.. c.Findings.Where(f => f.Runs.Length > 1 && f.Runs.Length < c.Diagnoses.Length)], c);

        sb.Append("## Recommendations\n\n");
        if (c.Recommendations.IsEmpty)
        {
            sb.Append("The differences between these runs suggest nothing to change.\n");
        }

        var n = 1;
        foreach (var r in c.Recommendations)
        {
            sb.Append(n++).Append(". ").Append(r.Action);
            if (!r.ConfigChanges.IsEmpty)
            {
                sb.Append(" `").Append(T.Changes(r).Trim().Trim('[', ']')).Append('`');
            }

            sb.Append('\n');
        }

        output.Write(new UTF8Encoding(false).GetBytes(sb.ToString()));
    }

    private static void Header(StringBuilder sb, string first, ExperimentComparison c)
    {
        sb.Append("| ").Append(first);
        foreach (var l in c.Labels)
        {
            sb.Append(" | ").Append(Cell(l));
        }

        sb.Append(" |\n|---").Append(string.Concat(Enumerable.Repeat("|---", c.Labels.Length))).Append("|\n");
    }

    private static void Findings(StringBuilder sb, string title, IReadOnlyList<FindingPresence> findings, ExperimentComparison c)
    {
        sb.Append("### ").Append(title).Append("\n\n");
        if (findings.Count == 0)
        {
            sb.Append("None.\n\n");
            return;
        }

        foreach (var f in findings)
        {
            sb.Append("- **").Append(f.Rule).Append("** (").Append(f.RuleId).Append(", ").Append(f.Severity.ToString().ToLowerInvariant()).Append(')')
                .Append(T.Series(f));
            if (f.Runs.Length < c.Diagnoses.Length)
            {
                sb.Append(" in ").Append(Cell(T.Runs(c, f.Runs)));
            }

            sb.Append(": ").Append(f.Title).Append('\n');
        }

        sb.Append('\n');
    }

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}

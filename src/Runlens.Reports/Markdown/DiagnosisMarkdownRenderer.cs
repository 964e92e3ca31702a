using System.Globalization;
using System.Text;
using Runlens.Analysis;
using Runlens.Analysis.Diagnoses;
using Runlens.Analysis.Findings;
using Runlens.Analysis.Rules.RunAccounting;

namespace Runlens.Reports.Markdown;

/// <summary>
/// A diagnosis for people, in the shape of a hand-written one: Summary, Key findings with their numbers, Root causes,
/// Recommendations (immediate actions, configuration changes as a JSON block), Coverage, Next steps.
/// </summary>
public sealed class DiagnosisMarkdownRenderer : IDiagnosisRenderer
{
    public string Format => "md";

    public void Render(IReadOnlyList<Diagnosis> diagnoses, Stream output)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < diagnoses.Count; i++)
        {
            if (i > 0)
            {
                sb.Append("\n---\n\n");
            }

            Write(sb, diagnoses[i]);
        }

        var bytes = new UTF8Encoding(false).GetBytes(sb.ToString());
        output.Write(bytes);
    }

    /// <summary>Wrong and right examples shown, each.</summary>
    private const int SampleRows = 5;

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);

    private static void Write(StringBuilder sb, Diagnosis d)
    {
        var run = d.Run;
        var s = d.Summary;
        var inv = CultureInfo.InvariantCulture;
        sb.Append("# Training diagnosis: ").Append(run.Identity.Name).Append("\n\n");
        sb.Append("## Summary\n\n");
        sb.Append("**Status: ").Append(s.Status.ToString().ToLowerInvariant()).Append("**. ").Append(s.Headline).Append("\n\n");
        sb.Append("- **Run**: `").Append(run.Identity.Source.Path).Append("` (").Append(run.Identity.Source.Format).Append(')');
        var account = RunAccount.Of(run);
        if (RunFacts.Progress(run, account) is { } progress)
        {
            sb.Append(", ").Append(progress);
        }

        sb.Append('\n');
        if (s.PrimaryMetric is { } pm && s.Best is { } best && s.Final is { } final)
        {
            sb.Append("- **Primary metric**: `").Append(pm).Append("` (").Append(s.PrimarySource).Append(", ")
                .Append(s.GreaterIsBetter ? "higher" : "lower").Append(" is better)\n");
            sb.Append(inv, $"- **Best**: {Analysis.Format.Number(best.Value)} at step {Analysis.Format.Step(best.Step)}{Epoch(best)}\n");
            sb.Append(inv, $"- **Final**: {Analysis.Format.Number(final.Value)} at step {Analysis.Format.Step(final.Step)}{Epoch(final)}");
            if (s.StepsPastBest is > 0)
            {
                sb.Append(inv, $" — {Analysis.Format.Step(s.StepsPastBest.Value)} steps ({s.EvalsPastBest} evaluation{(s.EvalsPastBest == 1 ? "" : "s")}) past the best");
            }

            sb.Append('\n');
        }
        else
        {
            sb.Append("- **Primary metric**: none (no validation metric was logged)\n");
        }

        if (d.Predictions is { } pe)
        {
            sb.Append(inv, $"- **Predictions**: {pe.Metrics.Examples:N0} examples, {pe.Metrics.Classes.Count} classes — accuracy {Analysis.Format.Number(pe.Metrics.Accuracy)}, macro-F1 {Analysis.Format.Number(pe.Metrics.F1.Macro)}, weighted F1 {Analysis.Format.Number(pe.Metrics.F1.Weighted)}");
            if (pe.Metrics.RocAucMacro is { } auc)
            {
                sb.Append(inv, $", ROC-AUC {Analysis.Format.Number(auc)}");
            }

            if (pe.Entities is { } ent)
            {
                sb.Append(inv, $", entity F1 {Analysis.Format.Number(ent.Micro.F1)}");
            }

            sb.Append(" (`runlens evaluate` shows every metric)\n");
        }

        if (d.TrainingPredictions is { } tp)
        {
            sb.Append(inv, $"- **Training set**: {tp.Metrics.Examples:N0} examples — accuracy {Analysis.Format.Number(tp.Metrics.Accuracy)}, macro-F1 {Analysis.Format.Number(tp.Metrics.F1.Macro)}");
            if (d.Predictions is { } vp)
            {
                sb.Append(inv, $" (validation: accuracy {Analysis.Format.Number(vp.Metrics.Accuracy)})");
            }

            sb.Append('\n');
        }

        var damage = run.Events.Where(e => e.Kind == Model.RunEventKind.ImportDamage).ToList();
        foreach (var e in damage)
        {
            sb.Append("- **Damaged input**: ").Append(e.Message);
            if (e.File is not null)
            {
                sb.Append(" (`").Append(e.File).Append('`').Append(e.Location is null ? "" : ", " + e.Location).Append(')');
            }

            sb.Append('\n');
        }

        var outcomes = MetricOutcome.Of(run, s.PrimaryMetric, s.GreaterIsBetter);
        if (outcomes.Length > 0)
        {
            sb.Append("\n## Metrics\n\n| metric | best | final | final against best |\n|---|---|---|---|\n");
            foreach (var m in outcomes)
            {
                sb.Append(inv, $"| `{m.Key}` ({(m.GreaterIsBetter ? "higher" : "lower")} is better) | {Analysis.Format.Number(m.Best.Value)} at step {Analysis.Format.Step(m.Best.Step)} | {Analysis.Format.Number(m.Final.Value)} at step {Analysis.Format.Step(m.Final.Step)} | {RunFacts.Change(m)} |\n");
            }

            if (MetricOutcome.LeftOut(run, s.PrimaryMetric, outcomes) is > 0 and var left)
            {
                sb.Append(inv, $"\n{left} more validation or test metric{(left == 1 ? "" : "s")} not shown (the JSON report's `metrics` has every series).\n");
            }
        }

        var accountLines = RunFacts.AccountLines(account);
        if (accountLines.Count > 0)
        {
            sb.Append("\n## Data and run accounting\n\n");
            foreach (var line in accountLines)
            {
                sb.Append("- ").Append(line).Append('\n');
            }
        }

        if (d.Predictions?.Samples is { } samples && (samples.Incorrect.Length > 0 || samples.Correct.Length > 0))
        {
            sb.Append("\n## Sample predictions\n\n| example | label | predicted | |\n|---|---|---|---|\n");
            foreach (var (x, ok) in samples.Incorrect.Take(SampleRows).Select(x => (x, false)).Concat(samples.Correct.Take(SampleRows).Select(x => (x, true))))
            {
                sb.Append(inv, $"| `{x.Id}` | {Cell(x.Label)} | {Cell(x.Predicted)} | {(ok ? "correct" : "wrong")} |\n");
            }
        }

        sb.Append("\n## Key findings\n\n");
        if (d.Findings.Length == 0)
        {
            sb.Append("No rule found a problem.\n\n");
        }

        for (var i = 0; i < d.Findings.Length; i++)
        {
            var f = d.Findings[i];
            sb.Append(inv, $"### {i + 1}. {f.Title}\n\n");
            sb.Append(inv, $"`{f.RuleId}` [{f.Rule}](docs/rules/{f.RuleId}.md) · **{Sev(f.Severity)}** · confidence {f.Confidence:0.00}\n\n");
            foreach (var (label, value) in EvidenceText.Items(f.Evidence))
            {
                sb.Append("- **").Append(label).Append("**: ").Append(value).Append('\n');
            }

            sb.Append('\n');
        }

        if (d.RootCauses.Length > 0)
        {
            sb.Append("## Root causes\n\n");
            for (var i = 0; i < d.RootCauses.Length; i++)
            {
                var c = d.RootCauses[i];
                sb.Append(inv, $"{i + 1}. **{c.Title}** ({c.Severity.ToString().ToLowerInvariant()}; {string.Join(", ", c.Rules)})");
                if (c.Explanation is not null)
                {
                    sb.Append(": ").Append(c.Explanation);
                }

                sb.Append('\n');
                if (i == 0 && c.FixFirst is not null)
                {
                    sb.Append(inv, $"   **Fix this first:** {c.FixFirst.Action}\n");
                }
            }

            sb.Append('\n');
        }

        sb.Append("## Recommendations\n\n### Immediate actions\n\n");
        var n = 0;
        foreach (var f in d.Findings)
        {
            foreach (var r in f.Recommendations)
            {
                sb.Append(inv, $"{++n}. {r.Action}");
                if (r.ConfigChanges.Length > 0)
                {
                    sb.Append(" (")
                        .Append(string.Join(", ", r.ConfigChanges.Select(c => $"`{c.Key}`: {EvidenceText.Config(c.From)} → {EvidenceText.Config(c.To)}")))
                        .Append(')');
                }

                sb.Append(inv, $" — *{f.Rule}*\n");
            }
        }

        if (n == 0)
        {
            sb.Append("Nothing to change.\n");
        }

        if (d.ConfigChanges.Length > 0)
        {
            sb.Append("\n### Configuration changes\n\n```json\n").Append(EvidenceText.ChangesJson(d.ConfigChanges)).Append("\n```\n");
        }

        sb.Append(inv, $"\n## Coverage\n\n{Analysis.Format.Percent(d.Coverage.Score)} of the rules could run{(d.Predictions is null ? " (rules that need predictions are not counted when none were given)" : "")}. Signals present: ");
        sb.Append(d.Coverage.Present.Length == 0 ? "none" : string.Join(", ", d.Coverage.Present.Select(p => $"`{p}`"))).Append(".\n");
        if (d.Coverage.Missing.Length > 0)
        {
            sb.Append("\n| missing signal | blocks | how to log it |\n|---|---|---|\n");
            foreach (var m in d.Coverage.Missing)
            {
                sb.Append(inv, $"| `{m.Signal}` | {string.Join(", ", m.Blocks)} | {m.HowToLog} |\n");
            }
        }

        foreach (var e in d.Coverage.RuleErrors)
        {
            sb.Append("\n- Rule error: ").Append(e).Append('\n');
        }

        if (d.NextSteps.Length > 0)
        {
            sb.Append("\n## Next steps\n\n");
            for (var i = 0; i < d.NextSteps.Length; i++)
            {
                sb.Append(inv, $"{i + 1}. {d.NextSteps[i]}\n");
            }
        }
    }

    private static string Epoch(MetricPoint p) =>
        double.IsFinite(p.Epoch) ? $" (epoch {Analysis.Format.Number(p.Epoch)})" : "";

    private static string Sev(Severity s) => s.ToString().ToLowerInvariant();
}

using System.Globalization;
using System.Text;
using Runlens.Analysis.Sweeps;

namespace Runlens.Reports.Impact;

/// <summary>The analysis for people: caveats first, the parameter table, the forest, finding rates per value.</summary>
public sealed class ImpactMarkdownRenderer : IImpactRenderer
{
    public string Format => "md";

    public void Render(ImpactAnalysis analysis, Stream output)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        ArgumentNullException.ThrowIfNull(output);
        var a = analysis;
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append("# ").Append(ImpactText.Title(a)).Append("\n\n");
        sb.Append(ImpactText.Runs(a)).Append(".\n\n");
        if (a.Caveats.Length > 0)
        {
            sb.Append("## Caveats\n\n");
            foreach (var c in a.Caveats)
            {
                sb.Append("- ").Append(c).Append('\n');
            }

            sb.Append('\n');
        }

        if (a.Parameters.Length > 0)
        {
            sb.Append("## Parameters\n\n");
            sb.Append("| parameter | kind | importance ± std | share | Spearman ρ | p | n | effect | notes |\n");
            sb.Append("|---|---|---:|---:|---:|---:|---:|---|---|\n");
            foreach (var p in a.Parameters)
            {
                sb.Append(inv, $"| `{Cell(p.Key)}` | {(p.Kind == ParameterKind.Numeric ? "numeric" : "categorical")} | {ImpactText.Importance(p.Importance)} | {ImpactText.Share(p.Importance)} | {ImpactText.Rho(p.Spearman)} | {ImpactText.P(p.Spearman)} | {ImpactText.N(p.Spearman)} | {ImpactText.Effect(a, p)} | {Cell(string.Join("; ", p.Caveats))} |\n");
            }

            sb.Append('\n');
        }

        if (a.Forest is { } f)
        {
            sb.Append("Forest: ").Append(ImpactText.Forest(f)).Append(" Encoding: ").Append(f.Encoding).Append(".\n\n");
        }

        if (a.Skipped.Length > 0)
        {
            sb.Append("Left out: ").Append(string.Join("; ", a.Skipped.Select(s => $"`{s.Key}` ({s.Reason})"))).Append(".\n\n");
        }

        if (a.FindingRates.Length > 0)
        {
            sb.Append("## Finding rates\n\n");
            if (a.Notable.Length == 0)
            {
                sb.Append("No finding differs much between the values of a parameter.\n\n");
            }
            else
            {
                foreach (var c in a.Notable)
                {
                    sb.Append("- **").Append(ImpactText.Contrast(c)).Append("**\n");
                }

                sb.Append('\n');
            }

            foreach (var t in a.FindingRates)
            {
                var rules = t.Levels.Length == 0 ? [] : t.Levels[0].Findings.Where((_, i) => t.Levels.Any(l => l.Findings[i].Runs > 0)).Select(r => r.Rule).ToList();
                sb.Append("### `").Append(Cell(t.Parameter)).Append("`\n\n");
                sb.Append("| value | runs | median ").Append(a.Metric ?? "metric").Append(" |");
                foreach (var r in rules)
                {
                    sb.Append(' ').Append(r).Append(" |");
                }

                sb.Append("\n|---|---:|---:|").Append(string.Concat(rules.Select(_ => "---:|"))).Append('\n');
                foreach (var l in t.Levels)
                {
                    sb.Append(inv, $"| {Cell(l.Value)} | {l.Runs} | {ImpactText.Median(l.MetricMedian)} |");
                    foreach (var r in rules)
                    {
                        var rate = l.Findings.First(x => x.Rule == r);
                        sb.Append(inv, $" {Runlens.Analysis.Format.Percent(rate.Share)} ({rate.Runs}) |");
                    }

                    sb.Append('\n');
                }

                sb.Append('\n');
            }
        }

        output.Write(new UTF8Encoding(false).GetBytes(sb.ToString()));
    }

    private static string Cell(string s) => s.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}

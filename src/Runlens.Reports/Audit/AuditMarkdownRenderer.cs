using System.Text;
using Runlens.Audit.Results;

namespace Runlens.Reports.Audit;

/// <summary>The audit as Markdown: summary, findings (evidence, the first issues, what to do), every check's count,
/// the splits' classes and the notes.</summary>
public sealed class AuditMarkdownRenderer : IAuditRenderer
{
    public void Render(AuditResult result, Stream output)
    {
        ArgumentNullException.ThrowIfNull(result);
        var md = new StringBuilder();
        md.Append("# Data audit: ").Append(Escape(result.Path)).Append("\n\n");
        md.Append("## Summary\n\n");
        md.Append("- **Status**: ").Append(result.Summary.Status).Append('\n');
        md.Append("- **Headline**: ").Append(Escape(result.Summary.Headline)).Append('\n');
        md.Append("- **Data**: ").Append(Escape(AuditText.Subtitle(result))).Append('\n');
        md.Append("- **Counts**: ").Append(AuditText.Counts(result.Summary)).Append("\n\n");

        md.Append("## Findings\n\n");
        if (result.Findings.IsEmpty)
        {
            md.Append("No check found anything.\n\n");
        }

        foreach (var f in result.Findings)
        {
            md.Append("### ").Append(AuditText.Severity(f.Severity).ToUpperInvariant()).Append(' ').Append(f.RuleId).Append(' ').Append(f.Rule).Append("\n\n");
            md.Append(Escape(f.Title)).Append("\n\n");
            foreach (var fact in AuditText.Facts(f.Evidence))
            {
                md.Append("- ").Append(Escape(fact)).Append('\n');
            }

            md.Append("- Why it matters: ").Append(Escape(f.RootCause)).Append("\n\n");
            md.Append("| file | split | label | what |\n|---|---|---|---|\n");
            foreach (var i in f.Issues.Take(AuditText.IssuesShown))
            {
                md.Append("| ").Append(Cell(i.File)).Append(" | ").Append(Cell(i.Split ?? "")).Append(" | ").Append(Cell(i.Label ?? "")).Append(" | ").Append(Cell(i.Reason)).Append(" |\n");
            }

            if (f.Issues.Length > AuditText.IssuesShown)
            {
                md.Append("\n…and ").Append(f.Issues.Length - AuditText.IssuesShown).Append(" more (all in `--format json`).\n");
            }

            md.Append("\n**What to do**\n\n");
            foreach (var r in f.Recommendations)
            {
                md.Append("- ").Append(Escape(r)).Append('\n');
            }

            md.Append('\n');
        }

        md.Append("## Checks\n\n| id | check | examined | issues |\n|---|---|---|---|\n");
        foreach (var c in result.Checks)
        {
            md.Append("| ").Append(c.Id).Append(" | ").Append(c.Rule).Append(" | ").Append(c.Examined == 0 ? "not applicable" : c.Examined.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .Append(" | ").Append(c.Issues).Append(c.Severity is { } s ? $" ({s})" : "").Append(" |\n");
        }

        md.Append("\n## Splits\n\n| split | examples | classes |\n|---|---|---|\n");
        foreach (var s in result.Splits)
        {
            md.Append("| ").Append(Cell(s.Name)).Append(" | ").Append(s.Examples).Append(" | ")
                .Append(Cell(s.Classes.IsEmpty ? "(no labels)" : string.Join(", ", s.Classes.Select(c => $"{c.Label} {c.Count}")))).Append(" |\n");
        }

        if (!result.Notes.IsEmpty)
        {
            md.Append("\n## Notes\n\n");
            foreach (var n in result.Notes)
            {
                md.Append("- ").Append(Escape(n)).Append('\n');
            }
        }

        var bytes = new UTF8Encoding(false).GetBytes(md.ToString());
        output.Write(bytes);
    }

    private static string Escape(string s) => s.Replace("|", "\\|", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal);

    private static string Cell(string s) => Escape(s).Replace("\n", " ", StringComparison.Ordinal);
}

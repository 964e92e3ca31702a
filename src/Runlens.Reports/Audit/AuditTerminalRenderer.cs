using System.Text;
using Runlens.Audit.Results;
using Spectre.Console;

namespace Runlens.Reports.Audit;

/// <summary>The audit for a terminal: status and headline, each finding with its evidence, first issues and advice, and
/// a table of every check's count. Severity is written as a word (and coloured when enabled).</summary>
/// <param name="color">Use ANSI colour.</param>
/// <param name="width">Line width.</param>
public sealed class AuditTerminalRenderer(bool color = false, int width = 160) : IAuditRenderer
{
    public void Render(AuditResult result, Stream output)
    {
        ArgumentNullException.ThrowIfNull(result);
        var writer = new StreamWriter(output, new UTF8Encoding(false), leaveOpen: true);
        var c = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = color ? AnsiSupport.Yes : AnsiSupport.No,
            ColorSystem = color ? ColorSystemSupport.Standard : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        c.Profile.Width = Math.Clamp(width, 60, 160);
        c.Profile.Capabilities.Unicode = true;

        c.Write(new Rule($"[bold]data audit[/] {Markup.Escape(result.Path)}") { Justification = Justify.Left });
        var status = result.Summary.Status switch
        {
            "critical" => "[red bold]CRITICAL[/]",
            "warning" => "[yellow bold]WARNING[/]",
            _ => "[green bold]HEALTHY[/]",
        };
        c.MarkupLine($"{status}  {Markup.Escape(result.Summary.Headline)}");
        c.MarkupLine($"[grey]{Markup.Escape(AuditText.Subtitle(result))}; {Markup.Escape(AuditText.Counts(result.Summary))}[/]");
        c.WriteLine();
        foreach (var f in result.Findings)
        {
            var tag = f.Severity switch
            {
                Analysis.Findings.Severity.Error => "[red]ERROR[/]",
                Analysis.Findings.Severity.Warning => "[yellow]WARN [/]",
                _ => "[blue]INFO [/]",
            };
            c.MarkupLine($"{tag} {f.RuleId} [bold]{Markup.Escape(f.Title)}[/]");
            foreach (var fact in AuditText.Facts(f.Evidence))
            {
                c.MarkupLine($"      [grey]{Markup.Escape(fact)}[/]");
            }

            foreach (var i in f.Issues.Take(5))
            {
                c.MarkupLine($"      {Markup.Escape(i.File)}: {Markup.Escape(i.Reason)}");
            }

            if (f.Issues.Length > 5)
            {
                c.MarkupLine($"      [grey]…and {f.Issues.Length - 5} more (--format json lists all)[/]");
            }

            foreach (var r in f.Recommendations)
            {
                c.MarkupLine($"      → {Markup.Escape(r)}");
            }

            c.WriteLine();
        }

        var table = new Table().Border(TableBorder.Simple).AddColumn("check").AddColumn("examined").AddColumn("issues");
        foreach (var k in result.Checks)
        {
            table.AddRow(Markup.Escape($"{k.Id} {k.Rule}"), k.Examined == 0 ? "[grey]n/a[/]" : k.Examined.ToString(System.Globalization.CultureInfo.InvariantCulture),
                k.Issues == 0 ? "0" : $"{k.Issues} ({k.Severity})");
        }

        c.Write(table);
        foreach (var n in result.Notes)
        {
            c.MarkupLine($"[grey]note: {Markup.Escape(n)}[/]");
        }

        writer.Flush();
    }
}

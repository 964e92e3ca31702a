using System.Text;
using Runlens.Analysis.Comparison;
using Runlens.Analysis.Findings;
using Spectre.Console;
using T = Runlens.Reports.ComparisonText;

namespace Runlens.Reports.Terminal;

/// <summary>A comparison for a terminal: the verdict first, then tables that fit the width (Spectre wraps the cells).</summary>
/// <param name="color">Use ANSI colour.</param>
/// <param name="width">Line width; the CLI passes the terminal's.</param>
public sealed class ComparisonTerminalRenderer(bool color = false, int width = 160) : IComparisonRenderer
{
    /// <summary>Metrics beyond this many are left to the JSON and Markdown outputs.</summary>
    public const int MaxMetrics = 12;

    public string Format => "text";

    public void Render(ExperimentComparison comparison, Stream output)
    {
        ArgumentNullException.ThrowIfNull(comparison);
        ArgumentNullException.ThrowIfNull(output);
        var writer = new StreamWriter(output, new UTF8Encoding(false), leaveOpen: true);
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = color ? AnsiSupport.Yes : AnsiSupport.No,
            ColorSystem = color ? ColorSystemSupport.Standard : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = Math.Clamp(width, 60, 200);
        console.Profile.Capabilities.Unicode = true;
        Write(console, comparison);
        writer.Flush();
    }

    private static void Write(IAnsiConsole con, ExperimentComparison c)
    {
        con.Write(new Rule($"[bold]{c.Diagnoses.Length} runs compared[/]") { Justification = Justify.Left });
        var facts = new Grid().AddColumn(new GridColumn().NoWrap().PadRight(2)).AddColumn();
        facts.AddRow("[grey]primary[/]", E(T.Primary(c)));
        if (c.Primary?.Note is { } note)
        {
            facts.AddRow("[yellow]note[/]", E(note));
        }

        facts.AddRow("[bold]best[/]", E(T.Best(c)));
        facts.AddRow("[grey]seeds[/]", E(c.Seeds.Message));
        con.Write(facts);
        con.WriteLine();

        if (c.Ranking.Length > 0)
        {
            var ranking = new Table().Border(TableBorder.Simple).Title("Ranking")
                .AddColumn("#").AddColumn("run").AddColumn(new TableColumn("best").RightAligned()).AddColumn(new TableColumn("step").RightAligned())
                .AddColumn(new TableColumn("final").RightAligned()).AddColumn(new TableColumn("step").RightAligned()).AddColumn(new TableColumn("behind").RightAligned())
                .AddColumn("status");
            foreach (var r in c.Ranking)
            {
                ranking.AddRow(r.Rank.ToString(System.Globalization.CultureInfo.InvariantCulture), E(c.Labels[r.Run]), T.Value(r.Primary.Best), T.Step(r.Primary.BestStep),
                    T.Value(r.Primary.Final), T.Step(r.Primary.FinalStep), T.Value(r.GapToBest), c.Diagnoses[r.Run].Summary.Status.ToString().ToLowerInvariant());
            }

            con.Write(ranking);
        }

        var config = new Table().Border(TableBorder.Simple).Title("Config that differs").AddColumn("key");
        foreach (var l in c.Labels)
        {
            config.AddColumn(E(l));
        }

        foreach (var d in c.Config)
        {
            var kind = ConfigKeys.IsSeed(d.Key) ? " [grey](seed)[/]" : ConfigKeys.IsBookkeeping(d.Key) ? " [grey](bookkeeping)[/]" : "";
            config.AddRow([E(d.Key) + kind, .. d.Values.Select(v => v is null ? "–" : E(v))]);
        }

        if (c.Config.IsEmpty)
        {
            con.MarkupLine("[grey]Every config key has the same value in every run.[/]");
        }
        else
        {
            con.Write(config);
        }

        var shown = T.Shown(c, MaxMetrics);
        var curves = new Table().Border(TableBorder.Simple).Title("Curves (target: the worst run's best unless given)").AddColumn("metric").AddColumn(new TableColumn("target").RightAligned());
        foreach (var l in c.Labels)
        {
            curves.AddColumn(E(l));
        }

        foreach (var m in shown)
        {
            curves.AddRow([E(m.Key) + (m.GreaterIsBetter ? " ↑" : " ↓"), E(T.Target(m)), .. m.PerRun.Select(s => E(T.Curve(s, m.Target)))]);
        }

        con.Write(curves);
        if (T.Scored(c).Count > shown.Count)
        {
            con.MarkupLine($"[grey]{T.Scored(c).Count - shown.Count} more metrics in --format json or md.[/]");
        }

        var stability = new Table().Border(TableBorder.Simple).Title("Stability (loss_std: last 10% of the training loss)")
            .AddColumn("run").AddColumn("loss").AddColumn(new TableColumn("loss_std").RightAligned()).AddColumn(new TableColumn("non-finite").RightAligned())
            .AddColumn(new TableColumn("grad_norm median").RightAligned()).AddColumn(new TableColumn("max").RightAligned());
        foreach (var s in c.Stability)
        {
            stability.AddRow(E(c.Labels[s.Run]), E(s.LossKey ?? "–"), T.Value(s.LossStd), s.NonFiniteLoss.ToString(System.Globalization.CultureInfo.InvariantCulture),
                T.Value(s.GradNormMedian), T.Value(s.GradNormMax));
        }

        con.Write(stability);

        con.MarkupLine("[bold]Findings only in one run[/]");
        if (c.Unique.IsEmpty)
        {
            con.MarkupLine("  [grey]none[/]");
        }

        foreach (var f in c.Unique)
        {
            con.MarkupLine($"  {Sev(f.Severity)} [bold]{E(c.Labels[f.Runs[0]])}[/]: {E(f.Rule + T.Series(f))} — {E(f.Title)}");
        }

        var partial = c.Findings.Where(f => f.Runs.Length > 1 && f.Runs.Length < c.Diagnoses.Length).ToList();
        if (partial.Count > 0)
        {
            con.MarkupLine("[bold]Findings in some runs[/]");
            foreach (var f in partial)
            {
                con.MarkupLine($"  {Sev(f.Severity)} {E(f.Rule + T.Series(f))} in {E(T.Runs(c, f.Runs))}");
            }
        }

        if (!c.Common.IsEmpty)
        {
            con.MarkupLine("[bold]Findings in every run[/]");
            foreach (var f in c.Common)
            {
                con.MarkupLine($"  {Sev(f.Severity)} {E(f.Rule + T.Series(f))}");
            }
        }

        con.WriteLine();
        con.MarkupLine("[bold]Recommendations[/]");
        if (c.Recommendations.IsEmpty)
        {
            con.MarkupLine("  [grey]The differences between these runs suggest nothing to change.[/]");
        }

        foreach (var r in c.Recommendations)
        {
            con.MarkupLine($"  [cyan]→[/] {E(r.Action + T.Changes(r))}");
        }
    }

    private static string E(string text) => Markup.Escape(text);

    private static string Sev(Severity s) => s switch
    {
        Severity.Error => "[red bold]ERROR[/]",
        Severity.Warning => "[yellow bold] WARN[/]",
        _ => "[blue] INFO[/]",
    };
}

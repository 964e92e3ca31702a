using System.Text;
using Runlens.Analysis;
using Runlens.Analysis.Diagnoses;
using Runlens.Analysis.Findings;
using Runlens.Analysis.Rules.RunAccounting;
using Spectre.Console;

namespace Runlens.Reports.Terminal;

/// <summary>The diagnosis for a terminal: readable at a glance, severity as words (and colour when enabled).</summary>
/// <param name="color">Use ANSI colour (the CLI enables it for a colour-capable terminal).</param>
/// <param name="width">Line width; the CLI passes the terminal's.</param>
public sealed class DiagnosisTerminalRenderer(bool color = false, int width = 160) : IDiagnosisRenderer
{
    public string Format => "text";

    public void Render(IReadOnlyList<Diagnosis> diagnoses, Stream output)
    {
        var writer = new StreamWriter(output, new UTF8Encoding(false), leaveOpen: true);
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = color ? AnsiSupport.Yes : AnsiSupport.No,
            ColorSystem = color ? ColorSystemSupport.Standard : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = Math.Clamp(width, 60, 160);
        console.Profile.Capabilities.Unicode = true;

        foreach (var d in diagnoses)
        {
            Write(console, d);
        }

        writer.Flush();
    }

    private static void Write(IAnsiConsole c, Diagnosis d)
    {
        var run = d.Run;
        var s = d.Summary;
        c.Write(new Rule($"[bold]{Markup.Escape(run.Identity.Name)}[/]") { Justification = Justify.Left });
        c.MarkupLine($"{Status(s.Status)}  {Markup.Escape(s.Headline)}");
        c.WriteLine();

        var facts = new Grid().AddColumn(new GridColumn().NoWrap().PadRight(2)).AddColumn();
        facts.AddRow("[grey]source[/]", Markup.Escape($"{run.Identity.Source.Path} ({run.Identity.Source.Format})"));
        var account = RunAccount.Of(run);
        if (RunFacts.Progress(run, account) is { } progress)
        {
            facts.AddRow("[grey]progress[/]", Markup.Escape(progress));
        }

        if (s.PrimaryMetric is { } pm && s.Best is { } best && s.Final is { } final)
        {
            facts.AddRow("[grey]primary[/]", Markup.Escape($"{pm} ({(s.GreaterIsBetter ? "higher" : "lower")} is better; {s.PrimarySource})"));
            facts.AddRow("[grey]best[/]", Markup.Escape($"{Analysis.Format.Number(best.Value)} at step {Analysis.Format.Step(best.Step)}"));
            var past = s.StepsPastBest is > 0 ? $"  ({Analysis.Format.Step(s.StepsPastBest.Value)} steps, {s.EvalsPastBest} eval{(s.EvalsPastBest == 1 ? "" : "s")} past best)" : "";
            facts.AddRow("[grey]final[/]", Markup.Escape($"{Analysis.Format.Number(final.Value)} at step {Analysis.Format.Step(final.Step)}{past}"));
        }

        if (d.Predictions is { } pe)
        {
            facts.AddRow("[grey]predictions[/]", Markup.Escape(
                $"{pe.Metrics.Examples:N0} examples, {pe.Metrics.Classes.Count} classes: accuracy {Analysis.Format.Number(pe.Metrics.Accuracy)}, macro-F1 {Analysis.Format.Number(pe.Metrics.F1.Macro)}"
                + (pe.Entities is { } ent ? $", entity F1 {Analysis.Format.Number(ent.Micro.F1)}" : "")));
        }

        if (d.TrainingPredictions is { } tp)
        {
            facts.AddRow("[grey]training set[/]", Markup.Escape(
                $"{tp.Metrics.Examples:N0} examples: accuracy {Analysis.Format.Number(tp.Metrics.Accuracy)}, macro-F1 {Analysis.Format.Number(tp.Metrics.F1.Macro)}"));
        }

        foreach (var x in d.Predictions?.Samples.Incorrect.Take(3) ?? [])
        {
            facts.AddRow("[grey]wrong[/]", Markup.Escape($"{x.Id}: label {x.Label}, predicted {x.Predicted}"));
        }

        foreach (var m in MetricOutcome.Of(run, s.PrimaryMetric, s.GreaterIsBetter).Where(m => m.Key != s.PrimaryMetric))
        {
            facts.AddRow("[grey]metric[/]", Markup.Escape(
                $"{m.Key}: best {Analysis.Format.Number(m.Best.Value)} at step {Analysis.Format.Step(m.Best.Step)}, final {Analysis.Format.Number(m.Final.Value)} at step {Analysis.Format.Step(m.Final.Step)} ({RunFacts.Change(m)})"));
        }

        foreach (var line in RunFacts.AccountLines(account))
        {
            facts.AddRow("[grey]accounting[/]", Markup.Escape(line));
        }

        facts.AddRow("[grey]coverage[/]", Markup.Escape($"{Analysis.Format.Percent(d.Coverage.Score)} of rules could run; " +
            (d.Coverage.Missing.Length == 0 ? "no signal missing" : "missing " + string.Join(", ", d.Coverage.Missing.Select(m => m.Signal == "predictions" ? "predictions (not given; their rules are not counted)" : m.Signal)))));
        if (d.RootCauses.Length > 0 && d.RootCauses[0].FixFirst is { } fix)
        {
            facts.AddRow("[bold]fix first[/]", Markup.Escape($"{d.RootCauses[0].Title}: {fix.Action}"));
        }

        foreach (var e in run.Events.Where(e => e.Kind == Model.RunEventKind.ImportDamage))
        {
            facts.AddRow("[yellow]damage[/]", Markup.Escape($"{e.Message}{(e.File is null ? "" : $" ({e.File}{(e.Location is null ? "" : ", " + e.Location)})")}"));
        }

        c.Write(facts);
        c.WriteLine();

        if (d.Findings.Length == 0)
        {
            c.MarkupLine("[green]No rule found a problem.[/]");
        }

        foreach (var f in d.Findings)
        {
            c.MarkupLine($"{Sev(f.Severity)} [bold]{Markup.Escape(f.Title)}[/]");
            c.MarkupLine($"      [grey]{f.RuleId} {Markup.Escape(f.Rule)} · confidence {f.Confidence:0.00} · docs/rules/{f.RuleId}.md[/]");
            var items = EvidenceText.Items(f.Evidence).Take(8).Select(i => $"{i.Label} {i.Value}");
            c.MarkupLine($"      [grey]{Markup.Escape(string.Join(" · ", items))}[/]");
            foreach (var r in f.Recommendations)
            {
                var changes = r.ConfigChanges.Length == 0 ? "" :
                    "  [" + string.Join(", ", r.ConfigChanges.Select(ch => $"{ch.Key}: {EvidenceText.Config(ch.From)} → {EvidenceText.Config(ch.To)}")) + "]";
                c.MarkupLine($"      [cyan]→[/] {Markup.Escape(r.Action + changes)}");
            }

            c.WriteLine();
        }

        if (d.ConfigChanges.Length > 0)
        {
            c.MarkupLine("[bold]Recommended config changes[/]");
            c.WriteLine(EvidenceText.ChangesJson(d.ConfigChanges));
            c.WriteLine();
        }
    }

    private static string Status(DiagnosisStatus s) => s switch
    {
        DiagnosisStatus.Critical => "[white on red] CRITICAL [/]",
        DiagnosisStatus.Warning => "[black on yellow] WARNING [/]",
        _ => "[black on green] HEALTHY [/]",
    };

    private static string Sev(Severity s) => s switch
    {
        Severity.Error => "[red bold]ERROR[/]",
        Severity.Warning => "[yellow bold] WARN[/]",
        _ => "[blue] INFO[/]",
    };
}

using System.Globalization;
using System.Text;
using System.Text.Json;
using Runlens.Analysis.Diagnoses;
using Runlens.Analysis.Findings;
using Runlens.Analysis.Rules.RunAccounting;

namespace Runlens.Reports.Html;

/// <summary>
/// One self-contained HTML file: the diagnosis (summary, findings with severity as text and colour, evidence,
/// recommendations, config changes, config) written as HTML, and interactive charts of every series drawn by uPlot from
/// data inlined in the page. CSS, scripts and data are all inline, so the file opens offline from disk; without
/// JavaScript the text is all there.
/// </summary>
internal sealed class DiagnosisHtmlRenderer : IDiagnosisRenderer
{
    public string Format => "html";

    public void Render(IReadOnlyList<Diagnosis> diagnoses, Stream output)
    {
        var html = new StringBuilder(64 * 1024);
        var title = diagnoses.Count == 1 ? $"Runlens: {diagnoses[0].Run.Identity.Name}" : $"Runlens: {diagnoses.Count} runs";
        HtmlPage.Begin(html, title, "Diagnosed by Runlens. Drag on a chart to zoom, double-click to reset, hover for values; on a focused chart: l log scale, + and - zoom, arrows pan, r reset. The view is kept in the address.");
        for (var i = 0; i < diagnoses.Count; i++)
        {
            Run(html, diagnoses[i], i);
        }

        HtmlPage.End(html, Data(diagnoses));
        var bytes = Encoding.UTF8.GetBytes(html.ToString());
        output.Write(bytes);
    }

    private static void Run(StringBuilder h, Diagnosis d, int index)
    {
        var run = d.Run;
        var s = d.Summary;
        h.Append("<section class=\"run\" id=\"run-").Append(index).Append("\" data-run=\"").Append(E(run.Identity.Id)).Append("\">\n");
        h.Append("<h2>").Append(E(run.Identity.Name)).Append("</h2>\n");
        h.Append("<p class=\"status status-").Append(s.Status.ToString().ToLowerInvariant()).Append("\"><strong>").Append(E(s.Status.ToString().ToUpperInvariant())).Append("</strong> ")
            .Append(E(s.Headline)).Append("</p>\n<dl class=\"facts\">");
        Fact(h, "source", $"{run.Identity.Source.Path} ({run.Identity.Source.Format})");
        if (run.Identity.Experiment is { } experiment)
        {
            Fact(h, "experiment", experiment);
        }

        if (s.PrimaryMetric is { } primary)
        {
            Fact(h, "primary", $"{primary} ({(s.GreaterIsBetter ? "higher" : "lower")} is better)");
        }

        if (s.Best is { } best)
        {
            Fact(h, "best", $"{Number(best.Value)} at step {best.Step.ToString(CultureInfo.InvariantCulture)}");
        }

        if (s.Final is { } final)
        {
            Fact(h, "final", $"{Number(final.Value)} at step {final.Step.ToString(CultureInfo.InvariantCulture)}");
        }

        var account = RunAccount.Of(run);
        if (RunFacts.Progress(run, account) is { } progress)
        {
            Fact(h, "progress", progress);
        }

        if (d.TrainingPredictions is { } tp)
        {
            Fact(h, "training set", string.Create(CultureInfo.InvariantCulture,
                $"{tp.Metrics.Examples:N0} examples: accuracy {Number(tp.Metrics.Accuracy)}, macro-F1 {Number(tp.Metrics.F1.Macro)}"));
        }

        Fact(h, "findings", d.Findings.Length == 0 ? "none" : string.Join(", ", d.Findings.GroupBy(f => f.Severity).OrderByDescending(g => g.Key).Select(g => $"{g.Count()} {g.Key.ToString().ToLowerInvariant()}")));
        h.Append("</dl>\n");

        var outcomes = MetricOutcome.Of(run, s.PrimaryMetric, s.GreaterIsBetter);
        if (outcomes.Length > 0)
        {
            h.Append("<h3>Metrics</h3>\n<table class=\"metrics\"><thead><tr><th>metric</th><th>best</th><th>final</th><th>final against best</th></tr></thead><tbody>\n");
            foreach (var o in outcomes)
            {
                h.Append("<tr><td>").Append(E(o.Key)).Append(" (").Append(o.GreaterIsBetter ? "higher" : "lower").Append(" is better)</td><td>")
                    .Append(Number(o.Best.Value)).Append(" at step ").Append(E(Analysis.Format.Step(o.Best.Step))).Append("</td><td>")
                    .Append(Number(o.Final.Value)).Append(" at step ").Append(E(Analysis.Format.Step(o.Final.Step))).Append("</td><td>")
                    .Append(E(RunFacts.Change(o))).Append("</td></tr>\n");
            }

            h.Append("</tbody></table>\n");
        }

        var accountLines = RunFacts.AccountLines(account);
        if (accountLines.Count > 0)
        {
            h.Append("<h3>Data and run accounting</h3>\n<ul class=\"accounting\">\n");
            foreach (var line in accountLines)
            {
                h.Append("<li>").Append(E(line)).Append("</li>\n");
            }

            h.Append("</ul>\n");
        }

        h.Append("<h3>Findings</h3>\n");
        if (d.Findings.Length == 0)
        {
            h.Append("<p>No finding: every rule that could run found nothing to report.</p>\n");
        }
        else
        {
            h.Append("<ol class=\"findings\">\n");
            foreach (var f in d.Findings)
            {
                Finding(h, f);
            }

            h.Append("</ol>\n");
        }

        if (!d.ConfigChanges.IsEmpty)
        {
            h.Append("<h3>Config changes</h3>\n<pre class=\"changes\">").Append(E(EvidenceText.ChangesJson(d.ConfigChanges))).Append("</pre>\n");
        }

        h.Append("<h3>Charts</h3>\n<div class=\"charts\" data-run-index=\"").Append(index).Append("\"></div>\n");

        if (d.Predictions?.Metrics is { } m)
        {
            h.Append("<h3>Predictions</h3>\n<table class=\"per-class\"><thead><tr><th>class</th><th>precision</th><th>recall</th><th>F1</th><th>support</th></tr></thead><tbody>\n");
            foreach (var c in m.PerClass)
            {
                h.Append("<tr><td>").Append(E(c.Class)).Append("</td><td>").Append(Number(c.Precision)).Append("</td><td>").Append(Number(c.Recall)).Append("</td><td>")
                    .Append(Number(c.F1)).Append("</td><td>").Append(c.Support.ToString(CultureInfo.InvariantCulture)).Append("</td></tr>\n");
            }

            h.Append("</tbody></table>\n<table class=\"confusion\" aria-label=\"confusion matrix, rows true class, columns predicted class\"><thead><tr><th>true \\ predicted</th>");
            foreach (var label in m.Confusion.Labels)
            {
                h.Append("<th>").Append(E(label)).Append("</th>");
            }

            h.Append("</tr></thead><tbody>\n");
            for (var r = 0; r < m.Confusion.Labels.Count; r++)
            {
                h.Append("<tr><th>").Append(E(m.Confusion.Labels[r])).Append("</th>");
                for (var c = 0; c < m.Confusion.Labels.Count; c++)
                {
                    var share = m.Confusion.ByTrue[r][c];
                    h.Append("<td style=\"--share:").Append(share.ToString("0.###", CultureInfo.InvariantCulture)).Append("\" title=\"")
                        .Append((share * 100).ToString("0.#", CultureInfo.InvariantCulture)).Append("% of true ").Append(E(m.Confusion.Labels[r])).Append("\">")
                        .Append(m.Confusion.Counts[r][c].ToString(CultureInfo.InvariantCulture)).Append("</td>");
                }

                h.Append("</tr>\n");
            }

            h.Append("</tbody></table>\n");
            CurveCharts.Append(h, d.Predictions.Curves, m.PerClass);
        }

        if (run.Config.Count > 0)
        {
            h.Append("<details class=\"config\"><summary>Config (").Append(run.Config.Count.ToString(CultureInfo.InvariantCulture)).Append(" keys)</summary><table>\n");
            foreach (var (key, value) in run.Config.Values)
            {
                h.Append("<tr><th>").Append(E(key)).Append("</th><td>").Append(E(value.Text)).Append("</td></tr>\n");
            }

            h.Append("</table></details>\n");
        }

        h.Append("</section>\n");
    }

    private static void Finding(StringBuilder h, Finding f)
    {
        var severity = f.Severity.ToString().ToLowerInvariant();
        h.Append("<li class=\"finding sev-").Append(severity).Append("\" data-rule=\"").Append(E(f.Rule)).Append("\" data-steps=\"")
            .Append(string.Join(' ', f.Steps.Select(x => x.ToString(CultureInfo.InvariantCulture)))).Append("\">");
        h.Append("<span class=\"sev\">").Append(E(severity.ToUpperInvariant())).Append("</span> <strong>").Append(E(f.Title)).Append("</strong> ")
            .Append("<a class=\"rule\" href=\"docs/rules/").Append(E(f.RuleId)).Append(".md\">").Append(E(f.RuleId)).Append(' ').Append(E(f.Rule)).Append("</a>");
        var evidence = EvidenceText.Items(f.Evidence).ToList();
        if (evidence.Count > 0)
        {
            h.Append("<details class=\"evidence\"><summary>evidence (").Append(evidence.Count.ToString(CultureInfo.InvariantCulture)).Append(")</summary><ul>");
            foreach (var (label, value) in evidence)
            {
                h.Append("<li>").Append(E(label)).Append(": ").Append(E(value)).Append("</li>");
            }

            h.Append("</ul></details>");
        }

        if (!f.Recommendations.IsEmpty)
        {
            h.Append("<ul class=\"recommendations\">");
            foreach (var r in f.Recommendations)
            {
                h.Append("<li>").Append(E(r.Action)).Append("</li>");
            }

            h.Append("</ul>");
        }

        h.Append("</li>\n");
    }

    private static void Fact(StringBuilder h, string name, string value) =>
        h.Append("<dt>").Append(E(name)).Append("</dt><dd>").Append(E(value)).Append("</dd>");

    /// <summary>The chart data as JSON; the default encoder escapes &lt; and &gt;, so it cannot close its script element.</summary>
    private static string Data(IReadOnlyList<Diagnosis> diagnoses)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartArray("runs");
            foreach (var d in diagnoses)
            {
                w.WriteStartObject();
                w.WriteString("id", d.Run.Identity.Id);
                w.WriteString("name", d.Run.Identity.Name);
                ChartData.Write(w, d);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string Number(double v) => HtmlPage.Number(v);

    private static string E(string text) => HtmlPage.E(text);
}

using System.Globalization;
using System.Text;
using System.Text.Json;
using Runlens.Analysis.Comparison;

namespace Runlens.Reports.Html;

/// <summary>
/// Runs side by side as one HTML page: the config keys that differ (and only those), each metric's best and final value
/// in every run, and every metric's curves overlaid, one colour per run. Runs should come with their series already
/// reduced for drawing (extremes kept).
/// </summary>
public static class ComparisonHtmlRenderer
{
    private static readonly string[] Palette = ["#1f6feb", "#d9480f", "#2f9e44", "#9c36b5", "#e8590c", "#0c8599", "#c2255c", "#5c940d", "#364fc7", "#868e96"];

    public static void Render(RunComparison comparison, Stream output)
    {
        ArgumentNullException.ThrowIfNull(comparison);
        ArgumentNullException.ThrowIfNull(output);
        var runs = comparison.Runs;
        var html = new StringBuilder(64 * 1024);
        HtmlPage.Begin(html, $"Runlens: {runs.Length} runs compared", "Drag on a chart to zoom, double-click to reset; hover for values.");
        html.Append("<section class=\"compare\">\n<h2>Runs</h2>\n<ol class=\"runs\">");
        for (var i = 0; i < runs.Length; i++)
        {
            html.Append("<li><span class=\"swatch\" style=\"background:").Append(Palette[i % Palette.Length]).Append("\"></span> <a href=\"/runs/")
                .Append(Uri.EscapeDataString(runs[i].Identity.Id)).Append("\">").Append(HtmlPage.E(runs[i].Identity.Name)).Append("</a></li>");
        }

        html.Append("</ol>\n<h3>Config that differs</h3>\n");
        if (comparison.Config.IsEmpty)
        {
            html.Append("<p>Every config key has the same value in every run.</p>\n");
        }
        else
        {
            html.Append("<table class=\"config-diff\"><thead><tr><th>key</th>");
            Names(html, comparison);
            html.Append("</tr></thead><tbody>\n");
            foreach (var d in comparison.Config)
            {
                html.Append("<tr data-key=\"").Append(HtmlPage.E(d.Key)).Append("\"><th>").Append(HtmlPage.E(d.Key)).Append("</th>");
                foreach (var v in d.Values)
                {
                    html.Append("<td>").Append(v is null ? "–" : HtmlPage.E(v)).Append("</td>");
                }

                html.Append("</tr>\n");
            }

            html.Append("</tbody></table>\n");
        }

        html.Append("<h3>Best and final values</h3>\n<table class=\"best-final\"><thead><tr><th>metric</th>");
        Names(html, comparison);
        html.Append("</tr></thead><tbody>\n");
        // Scores only: bookkeeping, the learning rate and the gradient norm have no best value (their charts stay below).
        foreach (var m in comparison.Metrics.Where(m => ComparisonText.IsScore(m.Key)))
        {
            html.Append("<tr data-key=\"").Append(HtmlPage.E(m.Key)).Append("\"><th>").Append(HtmlPage.E(m.Key)).Append(m.LowerIsBetter ? " ↓" : " ↑").Append("</th>");
            foreach (var s in m.PerRun)
            {
                html.Append("<td>").Append(s is null ? "–" : $"best {HtmlPage.Number(s.Best)} @{s.BestStep.ToString(CultureInfo.InvariantCulture)}, final {HtmlPage.Number(s.Final)} @{s.FinalStep.ToString(CultureInfo.InvariantCulture)}").Append("</td>");
            }

            html.Append("</tr>\n");
        }

        html.Append("</tbody></table>\n<h3>Curves</h3>\n<div class=\"charts\" data-run-index=\"0\"></div>\n</section>\n");
        HtmlPage.End(html, Data(comparison));
        output.Write(Encoding.UTF8.GetBytes(html.ToString()));
    }

    private static void Names(StringBuilder html, RunComparison comparison)
    {
        foreach (var r in comparison.Runs)
        {
            html.Append("<th>").Append(HtmlPage.E(r.Identity.Name)).Append("</th>");
        }
    }

    /// <summary>One chart per metric key, one series per run that logged it, on the union of their steps.</summary>
    private static string Data(RunComparison comparison)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartArray("runs");
            w.WriteStartObject();
            w.WriteString("id", "comparison");
            w.WriteStartArray("charts");
            var index = 0;
            foreach (var m in comparison.Metrics)
            {
                var present = comparison.Runs.Select((r, i) => (Run: r, Index: i, Series: r.Get(m.Key))).Where(x => x.Series is { Count: > 0 }).ToList();
                var xs = present.SelectMany(x => x.Series!.Points.Select(p => p.Step)).Distinct().Order().ToArray();
                var at = xs.Select((x, i) => (x, i)).ToDictionary(p => p.x, p => p.i);
                w.WriteStartObject();
                w.WriteString("id", "chart-" + index++);
                w.WriteString("title", m.Key);
                w.WriteStartArray("x");
                foreach (var x in xs)
                {
                    w.WriteNumberValue(x);
                }

                w.WriteEndArray();
                w.WriteStartArray("series");
                foreach (var (run, i, series) in present)
                {
                    w.WriteStartObject();
                    w.WriteString("key", m.Key);
                    w.WriteString("label", run.Identity.Name);
                    w.WriteString("color", Palette[i % Palette.Length]);
                    w.WriteNumber("points", series!.Count);
                    w.WriteBoolean("downsampled", false);
                    ChartData.Aligned(w, "y", [.. series.Points.Select(p => p.Step)], [.. series.Points.Select(p => p.Value)], at, xs.Length);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteStartArray("markers");
                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}

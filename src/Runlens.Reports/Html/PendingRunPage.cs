using System.Globalization;
using System.Text;
using System.Text.Json;
using Runlens.Model;

namespace Runlens.Reports.Html;

/// <summary>
/// A run's page while its diagnosis is still being computed: the charts (from series already reduced for drawing) and
/// a notice in place of the findings. The server swaps it for the full report when the diagnosis is ready.
/// </summary>
public static class PendingRunPage
{
    public static void Render(Run run, long points, Stream output)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(output);
        var html = new StringBuilder(32 * 1024);
        HtmlPage.Begin(html, $"Runlens: {run.Identity.Name}", "Drag on a chart to zoom, double-click to reset, hover for values; on a focused chart: l log scale, + and - zoom, arrows pan, r reset.");
        html.Append("<section class=\"run pending\" id=\"run-0\" data-run=\"").Append(HtmlPage.E(run.Identity.Id)).Append("\">\n<h2>").Append(HtmlPage.E(run.Identity.Name)).Append("</h2>\n")
            .Append("<p class=\"status\" id=\"pending\" role=\"status\"><strong>DIAGNOSING</strong> the rules are reading all ")
            .Append(points.ToString("N0", CultureInfo.InvariantCulture)).Append(" points of this run; the findings appear here when they are done.</p>\n")
            .Append("<h3>Charts</h3>\n<div class=\"charts\" data-run-index=\"0\"></div>\n</section>\n");
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartArray("runs");
            w.WriteStartObject();
            w.WriteString("id", run.Identity.Id);
            w.WriteString("name", run.Identity.Name);
            ChartData.Write(w, run, []);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }

        HtmlPage.End(html, Encoding.UTF8.GetString(buffer.ToArray()));
        output.Write(Encoding.UTF8.GetBytes(html.ToString()));
    }
}

using System.Globalization;
using System.Net;
using System.Text;

namespace Runlens.Reports.Html;

/// <summary>The frame every Runlens page shares: inline styles (uPlot's and ours), the data as JSON in
/// <c>#runlens-data</c>, and the scripts that draw its charts (uPlot and <c>report.js</c>).</summary>
internal static class HtmlPage
{
    private static readonly Lazy<string> Style = new(() => Asset("uPlot.min.css") + "\n" + Asset("report.css"));
    private static readonly Lazy<string> Script = new(() => Asset("uPlot.iife.min.js") + "\n" + Asset("report.js"));

    public static void Begin(StringBuilder html, string title, string subtitle)
    {
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<meta name=\"color-scheme\" content=\"light dark\">\n<title>").Append(E(title)).Append("</title>\n<style>\n").Append(Style.Value).Append("\n</style>\n</head>\n<body>\n");
        html.Append("<header><h1>").Append(E(title)).Append("</h1><p class=\"muted\">").Append(E(subtitle)).Append("</p></header>\n<main>\n");
    }

    /// <param name="data">The page's chart data; JSON written by Utf8JsonWriter's default encoder, which escapes &lt; and
    /// &gt;, so it cannot close its script element.</param>
    public static void End(StringBuilder html, string data) =>
        html.Append("</main>\n<script type=\"application/json\" id=\"runlens-data\">").Append(data).Append("</script>\n<script>\n")
            .Append(Script.Value).Append("\n</script>\n</body>\n</html>\n");

    public static string E(string text) => WebUtility.HtmlEncode(text);

    public static string Number(double v) => double.IsFinite(v) ? v.ToString("G6", CultureInfo.InvariantCulture) : double.IsNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity";

    private static string Asset(string name)
    {
        using var stream = typeof(HtmlPage).Assembly.GetManifestResourceStream("Runlens.Reports.Html.assets." + name)
            ?? throw new InvalidOperationException($"the report asset {name} is not embedded");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}

using System.Globalization;
using System.Net;
using System.Text;
using Runlens.Audit.Results;

namespace Runlens.Reports.Audit;

/// <summary>One self-contained HTML page (styles and thumbnails inline; opens offline): the summary, the per-check
/// counts as bars, each finding with its evidence, issues and advice, thumbnails of the worst images, and the splits.</summary>
public sealed class AuditHtmlRenderer : IAuditRenderer
{
    private const string Style = """
        :root{color-scheme:light dark;--fg:#1b1f24;--muted:#667;--bg:#fff;--card:#f5f6f8;--err:#c62828;--warn:#b26a00;--info:#1565c0;--ok:#2e7d32}
        @media (prefers-color-scheme:dark){:root{--fg:#e6e6e6;--muted:#99a;--bg:#15171a;--card:#1f2226}}
        body{font:14px/1.45 system-ui,sans-serif;color:var(--fg);background:var(--bg);margin:0 auto;max-width:1100px;padding:16px}
        h1{font-size:20px;margin:0}h2{font-size:17px;margin-top:28px}h3{font-size:15px;margin:0 0 6px}.muted{color:var(--muted)}
        .status{display:inline-block;padding:2px 8px;border-radius:4px;color:#fff;font-weight:600}
        .critical,.error{background:var(--err)}.warning{background:var(--warn)}.healthy{background:var(--ok)}.info{background:var(--info)}
        .finding{background:var(--card);border-radius:6px;padding:12px;margin:12px 0}
        table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:3px 8px;border-bottom:1px solid #8883;vertical-align:top}
        .bar{height:10px;background:var(--warn);border-radius:2px;display:inline-block}
        .thumbs{display:flex;flex-wrap:wrap;gap:10px}.thumb{width:140px;font-size:12px}.thumb img{max-width:128px;max-height:128px;display:block;border:1px solid #8885}
        """;

    public void Render(AuditResult result, Stream output)
    {
        ArgumentNullException.ThrowIfNull(result);
        var h = new StringBuilder();
        h.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>Data audit: ")
            .Append(E(result.Path)).Append("</title>\n<style>\n").Append(Style).Append("\n</style>\n</head>\n<body>\n");
        h.Append("<header><h1>Data audit: ").Append(E(result.Path)).Append("</h1><p class=\"muted\">").Append(E(AuditText.Subtitle(result))).Append("</p></header>\n<main>\n");
        h.Append("<p><span class=\"status ").Append(E(result.Summary.Status)).Append("\">").Append(E(result.Summary.Status)).Append("</span> ")
            .Append(E(result.Summary.Headline)).Append("</p>\n<p class=\"muted\">").Append(E(AuditText.Counts(result.Summary))).Append("</p>\n");

        if (!result.Thumbnails.IsEmpty)
        {
            h.Append("<h2>Worst images</h2>\n<div class=\"thumbs\" id=\"thumbnails\">\n");
            foreach (var t in result.Thumbnails)
            {
                h.Append("<figure class=\"thumb\"><img alt=\"").Append(E(t.File)).Append("\" src=\"").Append(E(t.DataUri)).Append("\"><figcaption><b>")
                    .Append(E(t.Rule)).Append("</b> ").Append(E(t.File)).Append("<br><span class=\"muted\">").Append(E(t.Caption)).Append("</span></figcaption></figure>\n");
            }

            h.Append("</div>\n");
        }

        h.Append("<h2>Checks</h2>\n<table id=\"checks\"><tr><th>id</th><th>check</th><th>examined</th><th>issues</th><th></th></tr>\n");
        var most = Math.Max(1, result.Checks.Select(c => c.Issues).DefaultIfEmpty(0).Max());
        foreach (var c in result.Checks)
        {
            var width = c.Issues == 0 ? 0 : Math.Max(2, 200 * c.Issues / most);
            h.Append("<tr><td>").Append(E(c.Id)).Append("</td><td>").Append(E(c.Rule)).Append("</td><td>")
                .Append(c.Examined == 0 ? "<span class=\"muted\">not applicable</span>" : c.Examined.ToString(CultureInfo.InvariantCulture)).Append("</td><td>")
                .Append(c.Issues.ToString(CultureInfo.InvariantCulture)).Append(c.Severity is { } s ? $" <span class=\"status {E(s)}\">{E(s)}</span>" : "")
                .Append("</td><td><span class=\"bar\" style=\"width:").Append(width).Append("px\"></span></td></tr>\n");
        }

        h.Append("</table>\n<h2>Findings</h2>\n");
        if (result.Findings.IsEmpty)
        {
            h.Append("<p>No check found anything.</p>\n");
        }

        foreach (var f in result.Findings)
        {
            var sev = AuditText.Severity(f.Severity);
            h.Append("<section class=\"finding\" data-rule=\"").Append(E(f.Rule)).Append("\"><h3><span class=\"status ").Append(sev).Append("\">").Append(sev).Append("</span> ")
                .Append(E(f.RuleId)).Append(' ').Append(E(f.Rule)).Append(": ").Append(E(f.Title)).Append("</h3>\n<ul>");
            foreach (var fact in AuditText.Facts(f.Evidence))
            {
                h.Append("<li>").Append(E(fact)).Append("</li>");
            }

            h.Append("<li class=\"muted\">").Append(E(f.RootCause)).Append("</li></ul>\n<table><tr><th>file</th><th>split</th><th>label</th><th>what</th></tr>\n");
            foreach (var i in f.Issues.Take(AuditText.IssuesShown))
            {
                h.Append("<tr><td>").Append(E(i.File)).Append("</td><td>").Append(E(i.Split ?? "")).Append("</td><td>").Append(E(i.Label ?? "")).Append("</td><td>").Append(E(i.Reason)).Append("</td></tr>\n");
            }

            h.Append("</table>\n");
            if (f.Issues.Length > AuditText.IssuesShown)
            {
                h.Append("<p class=\"muted\">…and ").Append(f.Issues.Length - AuditText.IssuesShown).Append(" more (all in the JSON report).</p>\n");
            }

            h.Append("<p><b>What to do</b></p><ul>");
            foreach (var r in f.Recommendations)
            {
                h.Append("<li>").Append(E(r)).Append("</li>");
            }

            h.Append("</ul></section>\n");
        }

        h.Append("<h2>Splits</h2>\n<table><tr><th>split</th><th>examples</th><th>classes</th></tr>\n");
        foreach (var s in result.Splits)
        {
            h.Append("<tr><td>").Append(E(s.Name)).Append("</td><td>").Append(s.Examples).Append("</td><td>")
                .Append(E(s.Classes.IsEmpty ? "(no labels)" : string.Join(", ", s.Classes.Select(c => $"{c.Label} {c.Count}")))).Append("</td></tr>\n");
        }

        h.Append("</table>\n");
        if (!result.Notes.IsEmpty)
        {
            h.Append("<h2>Notes</h2>\n<ul>");
            foreach (var n in result.Notes)
            {
                h.Append("<li>").Append(E(n)).Append("</li>");
            }

            h.Append("</ul>\n");
        }

        h.Append("</main>\n</body>\n</html>\n");
        output.Write(new UTF8Encoding(false).GetBytes(h.ToString()));
    }

    private static string E(string s) => WebUtility.HtmlEncode(s);
}

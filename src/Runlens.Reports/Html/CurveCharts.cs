using System.Globalization;
using System.Net;
using System.Text;
using Runlens.Analysis.Metrics;

namespace Runlens.Reports.Html;

/// <summary>
/// The per-class ROC and precision-recall curves of a predictions evaluation as two inline SVG charts (one line per class,
/// the ROC chart with the chance diagonal, a legend with each class' average precision), drawn from the curves the
/// evaluation holds (at most <see cref="ClassCurves.MaxPoints"/> points each). Plain SVG: no script, so the report and the
/// run page show them offline and in print.
/// </summary>
internal static class CurveCharts
{
    private const int Size = 300;
    private const int Pad = 36;

    private static readonly string[] Palette = ["#1f6feb", "#d9480f", "#2f9e44", "#ae3ec9", "#e8590c", "#0c8599", "#c2255c", "#5c940d", "#364fc7", "#862e9c"];

    public static void Append(StringBuilder h, IReadOnlyList<ClassCurve> curves, IReadOnlyList<ClassScores> perClass)
    {
        if (curves.Count == 0)
        {
            return;
        }

        h.Append("<div class=\"curves\">\n");
        Chart(h, "roc", "ROC curves, one per class (false positive rate across, true positive rate up)", "false positive rate", "true positive rate",
            curves, c => (c.Fpr, c.Tpr), diagonal: true);
        Chart(h, "pr", "Precision-recall curves, one per class (recall across, precision up)", "recall", "precision",
            curves, c => (c.Recall, c.Precision), diagonal: false);
        h.Append("<ul class=\"curve-legend\">");
        for (var i = 0; i < curves.Count; i++)
        {
            var c = curves[i];
            var ap = perClass.FirstOrDefault(p => p.Class == c.Class)?.AveragePrecision;
            h.Append("<li><span class=\"swatch\" style=\"background:").Append(Palette[i % Palette.Length]).Append("\"></span> ")
                .Append(WebUtility.HtmlEncode(c.Class))
                .Append(ap is { } v ? " (average precision " + v.ToString("0.###", CultureInfo.InvariantCulture) + ")" : "")
                .Append(", ").Append(c.Positives.ToString(CultureInfo.InvariantCulture)).Append(" positive of ")
                .Append((c.Positives + c.Negatives).ToString(CultureInfo.InvariantCulture)).Append("</li>");
        }

        h.Append("</ul>\n</div>\n");
    }

    private static void Chart(StringBuilder h, string kind, string label, string xAxis, string yAxis, IReadOnlyList<ClassCurve> curves,
        Func<ClassCurve, (IReadOnlyList<double> X, IReadOnlyList<double> Y)> points, bool diagonal)
    {
        var inner = Size - 2 * Pad;
        h.Append("<svg class=\"curve-chart curve-").Append(kind).Append("\" role=\"img\" aria-label=\"").Append(label)
            .Append("\" viewBox=\"0 0 ").Append(Size).Append(' ').Append(Size).Append("\" width=\"").Append(Size).Append("\" height=\"").Append(Size).Append("\">")
            .Append("<rect x=\"").Append(Pad).Append("\" y=\"").Append(Pad).Append("\" width=\"").Append(inner).Append("\" height=\"").Append(inner)
            .Append("\" fill=\"none\" stroke=\"var(--grid)\"/>");
        foreach (var tick in new[] { 0.0, 0.5, 1.0 })
        {
            var text = tick.ToString("0.#", CultureInfo.InvariantCulture);
            h.Append("<text x=\"").Append(F(X(tick))).Append("\" y=\"").Append(Size - Pad + 14).Append("\" text-anchor=\"middle\">").Append(text).Append("</text>")
                .Append("<text x=\"").Append(Pad - 4).Append("\" y=\"").Append(F(Y(tick) + 4)).Append("\" text-anchor=\"end\">").Append(text).Append("</text>");
        }

        h.Append("<text x=\"").Append(Size / 2).Append("\" y=\"").Append(Size - 6).Append("\" text-anchor=\"middle\">").Append(xAxis).Append("</text>")
            .Append("<text x=\"12\" y=\"").Append(Size / 2).Append("\" text-anchor=\"middle\" transform=\"rotate(-90 12 ").Append(Size / 2).Append(")\">").Append(yAxis).Append("</text>");
        if (diagonal)
        {
            h.Append("<line class=\"chance\" x1=\"").Append(F(X(0))).Append("\" y1=\"").Append(F(Y(0))).Append("\" x2=\"").Append(F(X(1))).Append("\" y2=\"").Append(F(Y(1)))
                .Append("\" stroke=\"var(--muted)\" stroke-dasharray=\"4 4\"/>");
        }

        for (var i = 0; i < curves.Count; i++)
        {
            var (xs, ys) = points(curves[i]);
            h.Append("<polyline data-class=\"").Append(WebUtility.HtmlEncode(curves[i].Class)).Append("\" fill=\"none\" stroke-width=\"1.5\" stroke=\"")
                .Append(Palette[i % Palette.Length]).Append("\" points=\"");
            for (var j = 0; j < xs.Count; j++)
            {
                h.Append(j == 0 ? "" : " ").Append(F(X(xs[j]))).Append(',').Append(F(Y(ys[j])));
            }

            h.Append("\"><title>").Append(WebUtility.HtmlEncode(curves[i].Class)).Append("</title></polyline>");
        }

        h.Append("</svg>\n");
    }

    private static double X(double v) => Pad + v * (Size - 2 * Pad);

    private static double Y(double v) => Size - Pad - v * (Size - 2 * Pad);

    private static string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);
}

using System.Globalization;
using System.Text;
using Runlens.Analysis;
using Runlens.Analysis.Sweeps;

namespace Runlens.Reports.Impact;

/// <summary>A plain-text table for a terminal: parameters by importance, notable finding rates, caveats.</summary>
public sealed class ImpactTextRenderer : IImpactRenderer
{
    public string Format => "text";

    public void Render(ImpactAnalysis analysis, Stream output)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        ArgumentNullException.ThrowIfNull(output);
        var a = analysis;
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(ImpactText.Title(a));
        sb.AppendLine(ImpactText.Runs(a));
        if (a.Caveats.Length > 0)
        {
            sb.AppendLine();
            foreach (var c in a.Caveats)
            {
                sb.Append("! ").AppendLine(c);
            }
        }

        if (a.Parameters.Length > 0)
        {
            var width = Math.Max(9, a.Parameters.Max(p => p.Key.Length));
            sb.AppendLine();
            sb.AppendLine(inv, $"{"parameter".PadRight(width)}  {"kind",-11}  {"importance ± std",-22}  {"share",6}  {"spearman",8}  {"p",8}  {"n",5}  effect");
            foreach (var p in a.Parameters)
            {
                sb.AppendLine(string.Create(inv,
                    $"{p.Key.PadRight(width)}  {(p.Kind == ParameterKind.Numeric ? "numeric" : "categorical"),-11}  {ImpactText.Importance(p.Importance),-22}  {ImpactText.Share(p.Importance),6}  {ImpactText.Rho(p.Spearman),8}  {ImpactText.P(p.Spearman),8}  {ImpactText.N(p.Spearman),5}  {ImpactText.Effect(a, p)}").TrimEnd());
            }

            foreach (var p in a.Parameters.Where(p => p.Caveats.Length > 0))
            {
                sb.AppendLine(inv, $"  {p.Key}: {string.Join("; ", p.Caveats)}");
            }
        }

        if (a.Forest is { } f)
        {
            sb.AppendLine();
            sb.Append("forest: ").AppendLine(ImpactText.Forest(f));
        }

        foreach (var s in a.Skipped)
        {
            sb.AppendLine(inv, $"skipped {s.Key}: {s.Reason}");
        }

        if (a.FindingRates.Length > 0)
        {
            sb.AppendLine();
            sb.AppendLine(a.Notable.Length == 0 ? "Finding rates: no finding differs much between the values of a parameter." : "Finding rates that differ between values:");
            foreach (var c in a.Notable)
            {
                sb.Append("  ").AppendLine(ImpactText.Contrast(c));
            }

            foreach (var t in a.FindingRates)
            {
                var rules = t.Levels.Length == 0 ? [] : t.Levels[0].Findings.Where((_, i) => t.Levels.Any(l => l.Findings[i].Runs > 0)).Select(r => r.Rule).ToList();
                var width = Math.Max(t.Parameter.Length, t.Levels.Max(l => l.Value.Length));
                sb.AppendLine();
                sb.Append(inv, $"  {t.Parameter.PadRight(width)}  {"runs",5}  {"median",9}");
                foreach (var r in rules)
                {
                    sb.Append("  ").Append(r);
                }

                sb.AppendLine();
                foreach (var l in t.Levels)
                {
                    sb.Append(inv, $"  {l.Value.PadRight(width)}  {l.Runs,5}  {ImpactText.Median(l.MetricMedian),9}");
                    foreach (var r in rules)
                    {
                        var rate = l.Findings.First(x => x.Rule == r);
                        sb.Append("  ").Append(Analysis.Format.Percent(rate.Share).PadLeft(r.Length));
                    }

                    sb.AppendLine();
                }
            }
        }

        output.Write(new UTF8Encoding(false).GetBytes(sb.ToString()));
    }
}

using Runlens.Analysis;
using Runlens.Audit.Results;

namespace Runlens.Reports.Audit;

/// <summary>Sentences the human renderers share, built from the result's fields only.</summary>
internal static class AuditText
{
    /// <summary>How many issues a human report lists per finding (JSON lists all).</summary>
    public const int IssuesShown = 12;

    public static string Severity(Runlens.Analysis.Findings.Severity s) => s.ToString().ToLowerInvariant();

    public static string Subtitle(AuditResult r)
    {
        var s = r.Summary;
        var kinds = string.Join(", ", s.Kinds.Select(k => $"{k.Value} {k.Key}{(k.Value == 1 ? "" : "s")}"));
        var splits = r.Splits.Length == 1 && r.Splits[0].Name == "all" ? "no splits" : $"splits {string.Join(", ", r.Splits.Select(x => $"{x.Name} ({x.Examples})"))}";
        return $"{r.Path}: {kinds}; {splits}";
    }

    public static string Counts(AuditSummary s) =>
        $"{s.Examples} examples, {s.Flagged} flagged, {s.LeaveOut} to leave out";

    /// <summary>The evidence as short "name value" facts.</summary>
    public static IEnumerable<string> Facts(AuditEvidence e)
    {
        switch (e)
        {
            case ThresholdEvidence t:
                yield return $"{t.Count} of {t.Examined} ({Format.Percent(t.Fraction)})";
                if (t.Threshold is { } th)
                {
                    yield return $"{t.Measure}: threshold {Format.Number(th)}";
                }

                if (t.Worst is { } w)
                {
                    yield return $"worst {Format.Number(w)}, median of flagged {Format.Number(t.Median ?? w)}";
                }

                break;
            case CopiesEvidence c:
                yield return $"{c.Count} examples in {c.Groups} groups ({c.Exact} identical, {c.Near} near; near = within {c.MaxDistance} bits)";
                if (!c.BySplit.IsEmpty)
                {
                    yield return "by split: " + string.Join(", ", c.BySplit.Select(kv => $"{kv.Key} {kv.Value}"));
                }

                break;
            case ClassBalanceEvidence b:
                foreach (var s in b.Splits)
                {
                    yield return $"{s.Split}: {string.Join(", ", s.Classes.Select(c => $"{c.Label} {c.Count}"))} (ratio {Format.Number(s.Ratio)}{(s.Missing.IsEmpty ? "" : "; missing " + string.Join(", ", s.Missing))})";
                }

                break;
            case LabelDriftEvidence d:
                yield return $"chi-square {Format.Number(d.ChiSquare)}, {d.DegreesOfFreedom} df, p {Format.Number(d.PValue)} (limit {Format.Number(d.MaxP)}), Cramér's V {Format.Number(d.CramersV)} (limit {Format.Number(d.MinCramersV)})";
                break;
            case AudioFormatEvidence a:
                yield return $"usual {a.SampleRate} Hz × {a.Channels}; formats: {string.Join(", ", a.Formats.Select(kv => $"{kv.Key}: {kv.Value}"))}";
                break;
            case ColumnsEvidence c:
                yield return $"{c.Count} of {c.Examined}" + (c.Threshold is { } t2 ? $" (threshold {Format.Number(t2)})" : "");
                break;
            case OutOfRangeEvidence o:
                yield return $"{o.Count} values beyond {Format.Number(o.Threshold)} interquartile ranges"
                    + (o.Infinite > 0 ? $", {o.Infinite} infinite" : "")
                    + $"; at most {Format.Percent(o.LargestVarianceFraction)} of a column's variance (warning from {Format.Percent(o.MinVarianceFraction)})";
                break;
            case LabelFeatureEvidence l:
                yield return $"{l.Table}:{l.Column} ({l.Split}, {l.Rows} rows): accuracy {Format.Number(l.Accuracy)} from {(l.Rule == "values" ? "each value's majority label" : "its best thresholds")} vs majority {Format.Number(l.Baseline)} (limit {Format.Number(l.MinAccuracy)})";
                break;
            case IdColumnEvidence i:
                yield return $"{i.Table}:{i.Column}: {Format.Percent(i.Unique)} distinct; accuracy from {i.Bins} bins of its order {Format.Number(i.Accuracy)} vs majority {Format.Number(i.Baseline)} (lift limit {Format.Number(i.MinLift)})";
                break;
        }
    }
}

using Runlens.Analysis;
using Runlens.Analysis.Findings;
using Runlens.Analysis.Rules;
using Runlens.Audit.Results;

namespace Runlens.Audit.Checks;

/// <summary>RL0715: the label distribution differs between splits: Pearson's chi-square test of independence of split
/// and label (no continuity correction), significant and with an effect size (Cramér's V) worth acting on.</summary>
internal sealed class LabelDriftCheck : AuditCheck
{
    public override RuleDescriptor Descriptor { get; } = RuleDescriptor.Create(
        "RL0715", "label-drift", "The label distribution differs between splits", RuleCategory.DataAudit, Severity.Warning, [], [typeof(DataAuditEvidence)],
        new RuleOption("max_p", 0.001, "The chi-square test's p-value must be below this"),
        new RuleOption("min_cramers_v", 0.1, "and Cramér's V at least this (0.1 is a small but real effect; large datasets make tiny differences significant)"));

    internal override AuditCheckOutcome Evaluate(AuditCheckContext context)
    {
        var splits = context.Data.Splits.Where(s => s.Classes.Length > 0).ToList();
        if (splits.Count < 2)
        {
            return AuditCheckOutcome.NotApplicable;
        }

        var labels = splits.SelectMany(s => s.Classes.Select(c => c.Label)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (labels.Count < 2)
        {
            return AuditCheckContext.Nothing(splits.Count);
        }

        var table = splits.Select(s => labels.Select(l => (double)(s.Classes.FirstOrDefault(c => c.Label == l)?.Count ?? 0)).ToArray()).ToArray();
        var test = ChiSquare(table);
        var maxP = context.Option("max_p");
        var minV = context.Option("min_cramers_v");
        var shares = splits.SelectMany((s, r) => labels.Select((l, c) => new LabelShare(s.Name, l, (int)table[r][c], table[r][c] / table[r].Sum()))).ToList();
        if (!(test.P < maxP && test.V >= minV))
        {
            return AuditCheckContext.Nothing(splits.Count);
        }

        // the label whose share moves most between splits
        var moves = labels.Select(l =>
        {
            var s = shares.Where(x => x.Label == l).ToList();
            return (Label: l, Low: s.MinBy(x => x.Share)!, High: s.MaxBy(x => x.Share)!);
        }).OrderByDescending(m => m.High.Share - m.Low.Share).ToList();
        var issues = moves.Where(m => m.High.Share - m.Low.Share > 0.05).Select(m => new AuditIssue(m.Label,
            $"{m.Label}: {Format.Percent(m.High.Share)} of {m.High.Split}, {Format.Percent(m.Low.Share)} of {m.Low.Split}", m.High.Share - m.Low.Share) { Label = m.Label }).ToList();
        var top = moves[0];
        var evidence = new LabelDriftEvidence(splits.Count, issues.Count, test.Statistic, test.Dof, test.P, test.V, maxP, minV, [.. shares]);
        return context.Found(splits.Count, Severity.Warning, Math.Min(0.95, 0.5 + test.V),
            $"Label distribution differs between splits (chi-square {Format.Number(test.Statistic)}, {test.Dof} df, p {Format.Number(test.P)}, Cramér's V {Format.Number(test.V)}): {top.Label} is {Format.Percent(top.High.Share)} of {top.High.Split} but {Format.Percent(top.Low.Share)} of {top.Low.Split}",
            evidence, issues,
            "When splits have different class mixes, validation metrics do not predict test metrics, and a model tuned on one split's priors is miscalibrated on the other.",
            "Re-split the data stratified by label, or, if the shift is real (a newer test period), report per-class metrics and re-weight or recalibrate for the target distribution.");
    }

    internal static (double Statistic, int Dof, double P, double V) ChiSquare(double[][] observed)
    {
        var rows = observed.Length;
        var cols = observed[0].Length;
        var rowSums = observed.Select(r => r.Sum()).ToArray();
        var colSums = Enumerable.Range(0, cols).Select(c => observed.Sum(r => r[c])).ToArray();
        var total = rowSums.Sum();
        var usedCols = colSums.Count(c => c > 0);
        var usedRows = rowSums.Count(r => r > 0);
        double chi = 0;
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < cols; c++)
            {
                var expected = rowSums[r] * colSums[c] / total;
                if (expected > 0)
                {
                    chi += (observed[r][c] - expected) * (observed[r][c] - expected) / expected;
                }
            }
        }

        // the upper tail of the chi-square distribution: the regularised upper incomplete gamma function (scipy's chi2.sf)
        var dof = (usedRows - 1) * (usedCols - 1);
        var p = dof > 0 ? MathNet.Numerics.SpecialFunctions.GammaUpperRegularized(dof / 2.0, chi / 2.0) : 1;
        var k = Math.Min(usedRows, usedCols) - 1;
        var v = k > 0 && total > 0 ? Math.Sqrt(chi / (total * k)) : 0;
        return (chi, dof, p, v);
    }
}

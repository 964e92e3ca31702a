using Runlens.Analysis;
using Runlens.Analysis.Findings;
using Runlens.Analysis.Rules;
using Runlens.Audit.Results;

namespace Runlens.Audit.Checks;

/// <summary>RL0724: numeric values far outside their column's range: infinite, or beyond Tukey's far-out fences (more
/// than 3 interquartile ranges below the first quartile or above the third) — sentinels such as −999, unit mix-ups,
/// typos. A warning when they distort the column's scale (infinite, or at least <c>min_variance_fraction</c> of its
/// variance); information when they are a few values of a heavy but natural tail.</summary>
internal sealed class OutOfRangeCheck : AuditCheck
{
    public override RuleDescriptor Descriptor { get; } = RuleDescriptor.Create(
        "RL0724", "out-of-range-values", "Numeric values far outside their column's range", RuleCategory.DataAudit, Severity.Warning, [], [typeof(DataAuditEvidence)],
        new RuleOption("max_iqr", 3, "Values more than this many interquartile ranges below the first quartile or above the third are flagged (Tukey's far-out fences)"),
        new RuleOption("min_variance_fraction", 0.2, "Flagged values that make less than this share of their column's variance (so that leaving them out would change its standard deviation by under about 10%) are reported as information: a heavy but natural tail rather than a value that distorts the column's scale"));

    internal override AuditCheckOutcome Evaluate(AuditCheckContext context)
    {
        var k = context.Option("max_iqr");
        var minShare = context.Option("min_variance_fraction");
        var examined = 0;
        var infinite = 0;
        var largestShare = 0.0;
        var issues = new List<AuditIssue>();
        var flaggedColumns = new List<AuditColumn>();
        foreach (var t in context.Data.Tables)
        {
            for (var c = 0; c < t.Columns.Length; c++)
            {
                var col = t.Columns[c];
                if (t.Numbers[c] is not { } values || col.Role is "id" or "label")
                {
                    continue;
                }

                examined++;
                var iqr = (col.Q3 ?? 0) - (col.Q1 ?? 0);
                var low = (col.Q1 ?? 0) - (k * iqr);
                var high = (col.Q3 ?? 0) + (k * iqr);
                var before = issues.Count;
                var mean = FiniteMean(values);
                double flaggedSquares = 0, allSquares = 0;
                for (var r = 0; r < values.Length; r++)
                {
                    var v = values[r];
                    if (double.IsNaN(v))
                    {
                        continue;
                    }

                    if (double.IsInfinity(v))
                    {
                        infinite++;
                        issues.Add(new AuditIssue($"{t.File}#{r + 1}", $"{col.Name} = {Format.Number(v)}", v) { Split = t.Split });
                    }
                    else
                    {
                        var square = (v - mean) * (v - mean);
                        allSquares += square;
                        if (iqr > 0 && (v < low || v > high))
                        {
                            flaggedSquares += square;
                            issues.Add(new AuditIssue($"{t.File}#{r + 1}", $"{col.Name} = {Format.Number(v)}: outside [{Format.Number(low)}, {Format.Number(high)}], {Format.Number(k)} interquartile ranges beyond the quartiles", v) { Split = t.Split });
                        }
                    }
                }

                if (issues.Count > before)
                {
                    flaggedColumns.Add(col);
                    if (allSquares > 0)
                    {
                        largestShare = Math.Max(largestShare, flaggedSquares / allSquares);
                    }
                }
            }
        }

        if (examined == 0)
        {
            return AuditCheckOutcome.NotApplicable;
        }

        if (issues.Count == 0)
        {
            return AuditCheckContext.Nothing(examined);
        }

        // A sentinel, a unit mix-up or a typo makes much of its column's spread; a heavy natural tail only a little of it.
        var distorts = infinite > 0 || largestShare >= minShare;
        var columns = string.Join(", ", flaggedColumns.Select(c => c.Name).Distinct(StringComparer.Ordinal).Take(5));
        var title = distorts
            ? $"{issues.Count} values in {flaggedColumns.Count} numeric columns are far outside their range (more than {Format.Number(k)} interquartile ranges beyond the quartiles, or infinite): {columns}"
            : $"{issues.Count} values in {flaggedColumns.Count} numeric columns lie more than {Format.Number(k)} interquartile ranges beyond the quartiles but make at most {Format.Percent(largestShare)} of their column's variance (under {Format.Percent(minShare)}: a heavy tail rather than a distorted scale): {columns}";
        return context.Found(examined, distorts ? Severity.Warning : Severity.Info, 0.8, title,
            new OutOfRangeEvidence(examined, issues.Count, k, [.. flaggedColumns], infinite, largestShare, minShare), issues,
            "Sentinel values (−999, 9999), unit mix-ups and typos dominate a feature's scale: after standardisation the real values collapse together and a few rows steer the fit.",
            "Look at the flagged values: replace sentinels with missing values, convert units, and fix typos at the source; clip or winsorise only once the cause is known.");
    }

    /// <summary>The mean of the finite values (NaN and infinities left out); 0 when there are none.</summary>
    private static double FiniteMean(double[] values)
    {
        double sum = 0;
        var n = 0;
        foreach (var v in values)
        {
            if (double.IsFinite(v))
            {
                sum += v;
                n++;
            }
        }

        return n == 0 ? 0 : sum / n;
    }
}

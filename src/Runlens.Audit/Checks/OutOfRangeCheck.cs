using Runlens.Analysis;
using Runlens.Analysis.Findings;
using Runlens.Analysis.Rules;
using Runlens.Audit.Results;

namespace Runlens.Audit.Checks;

/// <summary>RL0724: numeric values far outside their column's range: infinite, or beyond Tukey's far-out fences (more
/// than 3 interquartile ranges below the first quartile or above the third) — sentinels such as −999, unit mix-ups,
/// typos.</summary>
internal sealed class OutOfRangeCheck : AuditCheck
{
    public override RuleDescriptor Descriptor { get; } = RuleDescriptor.Create(
        "RL0724", "out-of-range-values", "Numeric values far outside their column's range", RuleCategory.DataAudit, Severity.Warning, [], [typeof(DataAuditEvidence)],
        new RuleOption("max_iqr", 3, "Values more than this many interquartile ranges below the first quartile or above the third are flagged (Tukey's far-out fences)"));

    internal override AuditCheckOutcome Evaluate(AuditCheckContext context)
    {
        var k = context.Option("max_iqr");
        var examined = 0;
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
                for (var r = 0; r < values.Length; r++)
                {
                    var v = values[r];
                    if (double.IsNaN(v))
                    {
                        continue;
                    }

                    if (double.IsInfinity(v))
                    {
                        issues.Add(new AuditIssue($"{t.File}#{r + 1}", $"{col.Name} = {Format.Number(v)}", v) { Split = t.Split });
                    }
                    else if (iqr > 0 && (v < low || v > high))
                    {
                        issues.Add(new AuditIssue($"{t.File}#{r + 1}", $"{col.Name} = {Format.Number(v)}: outside [{Format.Number(low)}, {Format.Number(high)}], {Format.Number(k)} interquartile ranges beyond the quartiles", v) { Split = t.Split });
                    }
                }

                if (issues.Count > before)
                {
                    flaggedColumns.Add(col);
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

        return context.Found(examined, Severity.Warning, 0.8,
            $"{issues.Count} values in {flaggedColumns.Count} numeric columns are far outside their range (more than {Format.Number(k)} interquartile ranges beyond the quartiles, or infinite): {string.Join(", ", flaggedColumns.Select(c => c.Name).Distinct(StringComparer.Ordinal).Take(5))}",
            new ColumnsEvidence(examined, issues.Count, k, [.. flaggedColumns]), issues,
            "Sentinel values (−999, 9999), unit mix-ups and typos dominate a feature's scale: after standardisation the real values collapse together and a few rows steer the fit.",
            "Look at the flagged values: replace sentinels with missing values, convert units, and fix typos at the source; clip or winsorise only once the cause is known.");
    }
}

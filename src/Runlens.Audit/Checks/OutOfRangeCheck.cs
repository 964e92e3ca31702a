using Runlens.Analysis;
using Runlens.Analysis.Findings;
using Runlens.Analysis.Rules;
using Runlens.Audit.Results;

namespace Runlens.Audit.Checks;

/// <summary>RL0724: numeric values far outside their column's range: infinite, or more than 10 robust standard deviations
/// (1.4826 × the median absolute deviation) from the median — sentinels such as −999, unit mix-ups, typos.</summary>
internal sealed class OutOfRangeCheck : AuditCheck
{
    public override RuleDescriptor Descriptor { get; } = RuleDescriptor.Create(
        "RL0724", "out-of-range-values", "Numeric values far outside their column's range", RuleCategory.DataAudit, Severity.Warning, [],
        new RuleOption("max_z", 10, "Values more than this many robust standard deviations (1.4826 × MAD) from the column's median are flagged; at 10 a normal column has essentially none"));

    internal override AuditCheckOutcome Evaluate(AuditCheckContext context)
    {
        var maxZ = context.Option("max_z");
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
                var scale = 1.4826 * (col.Mad ?? 0);
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
                        issues.Add(new AuditIssue(t.RowIds[r], $"{col.Name} = {Format.Number(v)}", v) { Split = t.Split });
                    }
                    else if (scale > 0 && Math.Abs(v - col.Median!.Value) / scale > maxZ)
                    {
                        var z = (v - col.Median!.Value) / scale;
                        issues.Add(new AuditIssue(t.RowIds[r], $"{col.Name} = {Format.Number(v)}: {Format.Number(Math.Abs(z))} robust standard deviations from the median {Format.Number(col.Median!.Value)}", v) { Split = t.Split });
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
            $"{issues.Count} values in {flaggedColumns.Count} numeric columns are far outside their range (more than {Format.Number(maxZ)} robust standard deviations from the median, or infinite): {string.Join(", ", flaggedColumns.Take(5).Select(c => c.Name))}",
            new ColumnsEvidence(examined, issues.Count, maxZ, [.. flaggedColumns]), issues,
            "Sentinel values (−999, 9999), unit mix-ups and typos dominate a feature's scale: after standardisation the real values collapse together and a few rows steer the fit.",
            "Look at the flagged values: replace sentinels with missing values, convert units, and fix typos at the source; clip or winsorise only once the cause is known.");
    }
}

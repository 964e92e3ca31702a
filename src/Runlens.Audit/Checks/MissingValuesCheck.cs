using Runlens.Analysis;
using Runlens.Analysis.Findings;
using Runlens.Analysis.Rules;
using Runlens.Audit.Results;

namespace Runlens.Audit.Checks;

/// <summary>RL0722: table columns with missing values (empty, null or NaN).</summary>
internal sealed class MissingValuesCheck : AuditCheck
{
    public override RuleDescriptor Descriptor { get; } = RuleDescriptor.Create(
        "RL0722", "missing-values", "Table columns with missing values", RuleCategory.DataAudit, Severity.Warning, [], [typeof(DataAuditEvidence)],
        new RuleOption("max_fraction", 0, "Columns with a larger fraction of missing values than this are flagged"),
        new RuleOption("warn_fraction", 0.05, "Above this fraction the finding is a warning; below it, information"));

    internal override AuditCheckOutcome Evaluate(AuditCheckContext context)
    {
        var columns = context.Data.Tables.SelectMany(t => t.Columns).ToList();
        if (columns.Count == 0)
        {
            return AuditCheckOutcome.NotApplicable;
        }

        var max = context.Option("max_fraction");
        var flagged = columns.Where(c => c.Rows > 0 && (double)c.Missing / c.Rows > max).OrderByDescending(c => (double)c.Missing / c.Rows).ToList();
        if (flagged.Count == 0)
        {
            return AuditCheckContext.Nothing(columns.Count);
        }

        var worst = flagged[0];
        var worstFraction = (double)worst.Missing / worst.Rows;
        var severity = worstFraction > context.Option("warn_fraction") || flagged.Any(c => c.Role == "label") ? Severity.Warning : Severity.Info;
        var issues = flagged.Select(c => new AuditIssue($"{c.Table}:{c.Name}", $"{c.Missing} of {c.Rows} values missing ({Format.Percent((double)c.Missing / c.Rows)}){(c.Role == "label" ? "; this is the label column" : "")}", (double)c.Missing / c.Rows));
        return context.Found(columns.Count, severity, 0.95,
            $"{flagged.Count} of {columns.Count} columns have missing values; worst {worst.Name}: {Format.Percent(worstFraction)} of {worst.Rows} rows",
            new ColumnsEvidence(columns.Count, flagged.Count, max, [.. flagged]), issues,
            "Missing values are filled somewhere (0, the mean, a sentinel) or the rows are dropped; either changes the data the model sees, and missing labels silently shrink the training set.",
            "Decide per column: impute explicitly (and add an is-missing indicator), or drop the column when most of it is missing; never let a loader fill silently.",
            "Rows with a missing label cannot be trained or evaluated on: drop them or label them.");
    }
}

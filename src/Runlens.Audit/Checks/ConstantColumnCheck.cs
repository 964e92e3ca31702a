using Runlens.Analysis.Findings;
using Runlens.Analysis.Rules;
using Runlens.Audit.Results;

namespace Runlens.Audit.Checks;

/// <summary>RL0723: table columns with a single value (or none): they carry no information.</summary>
internal sealed class ConstantColumnCheck : AuditCheck
{
    public override RuleDescriptor Descriptor { get; } = RuleDescriptor.Create(
        "RL0723", "constant-column", "Table columns with a single value", RuleCategory.DataAudit, Severity.Info, [], [typeof(DataAuditEvidence)]);

    internal override AuditCheckOutcome Evaluate(AuditCheckContext context)
    {
        var columns = context.Data.Tables.SelectMany(t => t.Columns).Where(c => c.Rows > 1).ToList();
        if (columns.Count == 0)
        {
            return AuditCheckOutcome.NotApplicable;
        }

        var flagged = columns.Where(c => c.Distinct <= 1).ToList();
        if (flagged.Count == 0)
        {
            return AuditCheckContext.Nothing(columns.Count);
        }

        var label = flagged.FirstOrDefault(c => c.Role == "label");
        var issues = flagged.Select(c => new AuditIssue($"{c.Table}:{c.Name}",
            c.Distinct == 0 ? $"every one of {c.Rows} values is missing" : $"one value in all {c.Rows - c.Missing} non-missing rows{(c.Role == "label" ? "; this is the label column" : "")}", c.Distinct));
        return context.Found(columns.Count, label is null ? Severity.Info : Severity.Error, 1.0,
            label is null
                ? $"{flagged.Count} of {columns.Count} columns hold a single value: {string.Join(", ", flagged.Select(c => c.Name).Distinct(StringComparer.Ordinal).Take(5))}{(flagged.Count > 5 ? ", …" : "")}"
                : $"The label column {label.Name} holds a single value: there is nothing to learn",
            new ColumnsEvidence(columns.Count, flagged.Count, null, [.. flagged]), issues,
            "A constant column adds width without information; a constant label column means the split or the export kept one class only.",
            "Drop constant feature columns; for a constant label, check how the file was filtered or split.");
    }
}

using Runlens.Analysis.Findings;
using Runlens.Analysis.Rules;
using Runlens.Audit.Results;

namespace Runlens.Audit.Checks;

/// <summary>RL0710: identical examples (same SHA-256 of the bytes, or of the text or row values) within one split.</summary>
internal sealed class ExactDuplicateCheck : AuditCheck
{
    public override RuleDescriptor Descriptor { get; } = RuleDescriptor.Create(
        "RL0710", "exact-duplicate", "Identical copies within a split", RuleCategory.DataAudit, Severity.Warning, [], [typeof(DataAuditEvidence)]);

    public override bool LeaveOut => true;

    internal override AuditCheckOutcome Evaluate(AuditCheckContext context)
    {
        var ex = context.Data.Examples;
        var examined = ex.Count(e => e.Sha256 is not null && e.Error is null);
        if (examined == 0)
        {
            return AuditCheckOutcome.NotApplicable;
        }

        var issues = new List<AuditIssue>();
        var groups = 0;
        foreach (var group in context.Data.ExactGroups())
        {
            foreach (var inSplit in group.GroupBy(i => ex[i].Split).Where(g => g.Count() > 1))
            {
                groups++;
                var first = inSplit.First();
                issues.AddRange(inSplit.Skip(1).Select(i => AuditCheckContext.Issue(ex[i], $"same content as {ex[first].Path}", 0) with { Related = [ex[first].Path], Distance = 0 }));
            }
        }

        if (issues.Count == 0)
        {
            return AuditCheckContext.Nothing(examined);
        }

        var evidence = new CopiesEvidence(examined, issues.Count, groups, issues.Count, 0, 0, AuditCheckContext.CountBy(issues, i => i.Split ?? ""));
        return context.Found(examined, Severity.Warning, 1.0,
            $"{issues.Count} extra copies of {groups} examples ({Analysis.Format.Percent((double)issues.Count / examined)} of {examined}) are identical to another in the same split",
            evidence, issues,
            "Duplicates weigh some examples more than others in training and inflate evaluation metrics when they sit in the evaluation split.",
            "Keep one copy of each (runlens audit --write-filter FILE lists the extra copies) and deduplicate when the dataset is built.");
    }
}

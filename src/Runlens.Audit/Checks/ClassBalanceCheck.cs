using System.Collections.Immutable;
using Runlens.Analysis;
using Runlens.Analysis.Findings;
using Runlens.Analysis.Rules;
using Runlens.Audit.Results;

namespace Runlens.Audit.Checks;

/// <summary>RL0714: per split, the largest class far outnumbers the smallest, or a class other splits have is missing.</summary>
internal sealed class ClassBalanceCheck : AuditCheck
{
    public override RuleDescriptor Descriptor { get; } = RuleDescriptor.Create(
        "RL0714", "class-balance", "Classes far out of balance within a split", RuleCategory.DataAudit, Severity.Warning, [], [typeof(DataAuditEvidence)],
        new RuleOption("max_ratio", 10, "A split whose largest class has more than this many times the examples of its smallest is flagged"));

    internal override AuditCheckOutcome Evaluate(AuditCheckContext context)
    {
        var splits = context.Data.Splits.Where(s => s.Classes.Length > 0).ToList();
        if (splits.Count == 0)
        {
            return AuditCheckOutcome.NotApplicable;
        }

        var maxRatio = context.Option("max_ratio");
        var allLabels = splits.SelectMany(s => s.Classes.Select(c => c.Label)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var balances = new List<SplitBalance>();
        var issues = new List<AuditIssue>();
        foreach (var s in splits)
        {
            var largest = s.Classes.MaxBy(c => c.Count)!;
            var smallest = s.Classes.MinBy(c => c.Count)!;
            var ratio = (double)largest.Count / smallest.Count;
            var missing = allLabels.Where(l => s.Classes.All(c => c.Label != l)).ToImmutableArray();
            var balance = new SplitBalance(s.Name, s.Examples, ratio, largest.Label, smallest.Label, s.Classes, missing);
            balances.Add(balance);
            if (ratio > maxRatio && s.Classes.Length > 1)
            {
                issues.Add(new AuditIssue(s.Path, $"split {s.Name}: {largest.Label} has {largest.Count} examples, {smallest.Label} {smallest.Count} (ratio {Format.Number(ratio)}, above {Format.Number(maxRatio)})", ratio) { Split = s.Name });
            }

            if (!missing.IsEmpty && splits.Count > 1)
            {
                issues.Add(new AuditIssue(s.Path, $"split {s.Name} has no examples of {string.Join(", ", missing)}") { Split = s.Name });
            }
        }

        if (issues.Count == 0)
        {
            return AuditCheckContext.Nothing(splits.Count);
        }

        var worst = balances.MaxBy(b => b.Ratio)!;
        var evidence = new ClassBalanceEvidence(splits.Count, issues.Count, maxRatio, [.. balances]);
        var title = worst.Ratio > maxRatio
            ? $"Split {worst.Split}: class {worst.Largest} has {Format.Number(worst.Ratio)}× the examples of {worst.Smallest} (limit {Format.Number(maxRatio)}×)"
            : $"{balances.Count(b => !b.Missing.IsEmpty)} splits lack classes the others have";
        return context.Found(splits.Count, Severity.Warning, 0.9, title, evidence, issues,
            "With a class many times rarer than another, the model can score well overall while missing the rare class; a class absent from a split cannot be learned (train) or measured (val, test).",
            "Report macro-F1 and per-class recall, not only accuracy; weight the loss by inverse class frequency or resample the rare classes.",
            "Collect more examples of the rare classes, and make sure every class is present in every split (a stratified split).");
    }
}

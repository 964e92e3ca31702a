using Runlens.Analysis.Findings;
using Runlens.Analysis.Rules;
using Runlens.Audit.Results;

namespace Runlens.Audit.Checks;

/// <summary>RL0713: the same (or nearly the same) content with different labels, in any split.</summary>
internal sealed class ConflictingLabelsCheck : AuditCheck
{
    public override RuleDescriptor Descriptor { get; } = RuleDescriptor.Create(
        "RL0713", "conflicting-labels", "The same content with different labels", RuleCategory.DataAudit, Severity.Error, [], [typeof(DataAuditEvidence)],
        new RuleOption("max_distance", 4, "Images whose perceptual hashes differ in at most this many bits count as the same content"),
        new RuleOption("max_text_distance", 3, "Texts whose SimHashes differ in at most this many bits count as the same content"));

    public override bool LeaveOut => true;

    internal override AuditCheckOutcome Evaluate(AuditCheckContext context)
    {
        var data = context.Data;
        var ex = data.Examples;
        var labelled = ex.Count(e => e.Label is not null && e.Sha256 is not null && e.Error is null);
        if (labelled == 0)
        {
            return AuditCheckOutcome.NotApplicable;
        }

        var maxImage = (int)context.Option("max_distance");
        var edges = Copies.Edges(data, maxImage, (int)context.Option("max_text_distance"))
            .Where(e => ex[e.I].Label is not null && ex[e.J].Label is not null)
            .ToList();
        var groups = Copies.Groups(ex.Length, edges.Select(e => (e.I, e.J)))
            .Where(g => g.Select(i => ex[i].Label).Distinct(StringComparer.Ordinal).Count() > 1)
            .ToList();
        if (groups.Count == 0)
        {
            return AuditCheckContext.Nothing(labelled);
        }

        var issues = new List<AuditIssue>();
        var exactGroups = 0;
        foreach (var g in groups)
        {
            var exact = g.All(i => ex[i].Sha256 == ex[g[0]].Sha256);
            exactGroups += exact ? 1 : 0;
            foreach (var i in g)
            {
                var others = g.Where(j => j != i && ex[j].Label != ex[i].Label).ToList();
                issues.Add(AuditCheckContext.Issue(ex[i],
                    $"labelled {ex[i].Label}; {(exact ? "identical" : "near-identical")} content labelled {string.Join(", ", others.Select(j => ex[j].Label).Distinct(StringComparer.Ordinal))} in {string.Join(", ", others.Select(j => ex[j].Path))}")
                    with { Related = [.. others.Select(j => ex[j].Path)] });
            }
        }

        var evidence = new CopiesEvidence(labelled, issues.Count, groups.Count, exactGroups, groups.Count - exactGroups, maxImage, AuditCheckContext.CountBy(issues, i => i.Split ?? ""));
        return context.Found(labelled, Severity.Error, exactGroups == groups.Count ? 1.0 : 0.8,
            $"{groups.Count} groups of the same content carry different labels ({issues.Count} examples, {exactGroups} groups identical)",
            evidence, issues,
            "The model is asked to give two answers to one input: a floor on the error that no training removes, and evaluation that penalises any answer.",
            "Decide the right label for each group and fix the annotations (or drop the ambiguous examples: runlens audit --write-filter FILE lists them).",
            "If the classes truly overlap, review the labelling guideline: a class definition may be ambiguous.");
    }
}

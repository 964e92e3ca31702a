using Runlens.Analysis.Findings;
using Runlens.Analysis.Rules;
using Runlens.Audit.Results;

namespace Runlens.Audit.Checks;

/// <summary>RL0711: near copies within a split: images whose perceptual hashes, or texts whose SimHashes, are within a
/// few bits (resized, recompressed, lightly edited copies), not counting identical ones (RL0710).</summary>
internal sealed class NearDuplicateCheck : AuditCheck
{
    public override RuleDescriptor Descriptor { get; } = RuleDescriptor.Create(
        "RL0711", "near-duplicate", "Near copies within a split", RuleCategory.DataAudit, Severity.Warning, [], [typeof(DataAuditEvidence)],
        new RuleOption("max_distance", 6, "Images whose 64-bit perceptual hashes differ in at most this many bits are near copies (resized or recompressed copies differ in 0-4, unrelated photographs in about 32)"),
        new RuleOption("max_text_distance", 6, "Texts whose 64-bit SimHashes differ in at most this many bits are near copies (one word changed in a paragraph moves about 5 bits; unrelated paragraphs on one topic differ in 10 or more)"));

    internal override AuditCheckOutcome Evaluate(AuditCheckContext context)
    {
        var data = context.Data;
        var ex = data.Examples;
        var examined = data.ImageMembers.Length + data.TextMembers.Length;
        if (examined == 0)
        {
            return AuditCheckOutcome.NotApplicable;
        }

        var maxImage = (int)context.Option("max_distance");
        var maxText = (int)context.Option("max_text_distance");
        var near = data.NearImagePairs(maxImage).Concat(data.NearTextPairs(maxText))
            .Where(p => ex[p.I].Split == ex[p.J].Split && ex[p.I].Sha256 != ex[p.J].Sha256)
            .ToList();
        if (near.Count == 0)
        {
            return AuditCheckContext.Nothing(examined);
        }

        var distance = near.ToDictionary(p => (p.I, p.J), p => p.Distance);
        var groups = Copies.Groups(ex.Length, near.Select(p => (p.I, p.J)));
        var issues = new List<AuditIssue>();
        foreach (var g in groups)
        {
            var first = g[0];
            foreach (var i in g.Skip(1))
            {
                var d = distance.TryGetValue((first, i), out var dd) ? dd : (int?)null;
                issues.Add(AuditCheckContext.Issue(ex[i], d is { } x
                        ? $"{(ex[i].Kind == "text" ? "SimHash" : "perceptual hash")} {x} bits from {ex[first].Path}"
                        : $"a near copy of {ex[first].Path} through other copies", d)
                    with { Related = [ex[first].Path], Distance = d });
            }
        }

        var evidence = new CopiesEvidence(examined, issues.Count, groups.Count, 0, issues.Count, maxImage, AuditCheckContext.CountBy(issues, i => i.Split ?? ""));
        return context.Found(examined, Severity.Warning, 0.7,
            $"{issues.Count} examples are near copies of another in the same split ({groups.Count} groups; perceptual hashes within {maxImage} bits, text within {maxText})",
            evidence, issues,
            "Near copies count an example several times: training overweights it, and an evaluation split full of near copies measures memory rather than generalisation.",
            "Look at the groups: keep one example per group unless the variants are deliberate augmentations.",
            "If the groups are distinct but similar examples (the same scene, a template), raise nothing and lower near-duplicate.max_distance.");
    }
}

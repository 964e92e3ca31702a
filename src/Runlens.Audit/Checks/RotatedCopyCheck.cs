using Runlens.Analysis.Findings;
using Runlens.Analysis.Rules;
using Runlens.Audit.Hashing;
using Runlens.Audit.Results;

namespace Runlens.Audit.Checks;

/// <summary>RL0709: an image that is another image turned by 90°, 180° or 270° (its rotated perceptual hash is within the
/// distance while the unrotated one is not).</summary>
internal sealed class RotatedCopyCheck : AuditCheck
{
    public override RuleDescriptor Descriptor { get; } = RuleDescriptor.Create(
        "RL0709", "rotated-copy", "Images that are rotated copies of others", RuleCategory.DataAudit, Severity.Warning, [], [typeof(DataAuditEvidence)],
        new RuleOption("max_distance", 6, "A rotation of one image within this many bits of another image's perceptual hash makes it a rotated copy"));

    internal override AuditCheckOutcome Evaluate(AuditCheckContext context)
    {
        var data = context.Data;
        var ex = data.Examples;
        if (data.ImageMembers.Length == 0)
        {
            return AuditCheckOutcome.NotApplicable;
        }

        var maxDistance = (int)context.Option("max_distance");
        var found = new SortedDictionary<int, (int Other, int Degrees, int Distance)>();
        var index = data.ImageIndex;
        foreach (var i in data.ImageMembers)
        {
            if (data.Rotations[i] is not { } rotations)
            {
                continue;
            }

            var own = data.ImageHashes[i]!.Value;
            for (var r = 0; r < 3; r++)
            {
                var degrees = 90 * (r + 1);
                index.Query(rotations[r], maxDistance, (k, d) =>
                {
                    var j = data.ImageMembers[k];
                    if (j <= i || HammingIndex.Distance(own, data.ImageHashes[j]!.Value) <= maxDistance)
                    {
                        return;
                    }

                    if (!found.TryGetValue(j, out var seen) || d < seen.Distance)
                    {
                        found[j] = (i, degrees, d);
                    }
                });
            }
        }

        if (found.Count == 0)
        {
            return AuditCheckContext.Nothing(data.ImageMembers.Length);
        }

        var issues = found.Select(f => AuditCheckContext.Issue(ex[f.Key],
                $"{ex[f.Value.Other].Path} turned {f.Value.Degrees}° clockwise ({f.Value.Distance} bits apart)", f.Value.Distance)
            with { Related = [ex[f.Value.Other].Path], Distance = f.Value.Distance }).ToList();
        var evidence = new CopiesEvidence(data.ImageMembers.Length, issues.Count, issues.Count, 0, issues.Count, maxDistance, AuditCheckContext.CountBy(issues, i => i.Split ?? ""));
        return context.Found(data.ImageMembers.Length, Severity.Warning, 0.75,
            $"{issues.Count} images are rotated copies of other images (perceptual hash of a 90°, 180° or 270° turn within {maxDistance} bits)",
            evidence, issues,
            "Rotated copies are usually images saved without applying their orientation, or scans fed in sideways: for orientation-sensitive tasks (text, documents, scenes) they teach the wrong orientation and inflate the data with copies.",
            "Look at each pair: fix the orientation of the sideways copy (or drop it) so every image is upright.",
            "If rotations are deliberate augmentations, generate them in the loader rather than storing them, so they never cross splits.");
    }
}

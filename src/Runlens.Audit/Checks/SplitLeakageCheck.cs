using Runlens.Analysis.Findings;
using Runlens.Analysis.Rules;
using Runlens.Audit.Results;

namespace Runlens.Audit.Checks;

/// <summary>RL0712: the same or nearly the same example in two splits (train and test): the evaluation then measures
/// memory. The copy in the later split (val after train, test after both) is the issue.</summary>
internal sealed class SplitLeakageCheck : AuditCheck
{
    public override RuleDescriptor Descriptor { get; } = RuleDescriptor.Create(
        "RL0712", "split-leakage", "The same examples in more than one split", RuleCategory.DataAudit, Severity.Error, [], [typeof(DataAuditEvidence)],
        new RuleOption("max_distance", 6, "Images whose perceptual hashes differ in at most this many bits count as the same example"),
        new RuleOption("max_text_distance", 6, "Texts whose SimHashes differ in at most this many bits count as the same example"));

    public override bool LeaveOut => true;

    internal override AuditCheckOutcome Evaluate(AuditCheckContext context)
    {
        var data = context.Data;
        if (data.Splits.Length < 2)
        {
            return AuditCheckOutcome.NotApplicable;
        }

        var ex = data.Examples;
        var examined = ex.Count(e => e.Sha256 is not null && e.Error is null);
        var order = data.Splits.Select((s, i) => (s.Name, i)).ToDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);
        var maxImage = (int)context.Option("max_distance");
        var best = new Dictionary<int, (int Other, int Distance, bool Exact)>();
        foreach (var (i, j, d, exact) in Copies.Edges(data, maxImage, (int)context.Option("max_text_distance")))
        {
            if (ex[i].Split == ex[j].Split)
            {
                continue;
            }

            var (late, early) = order.GetValueOrDefault(ex[i].Split) > order.GetValueOrDefault(ex[j].Split) ? (i, j) : (j, i);
            if (!best.TryGetValue(late, out var seen) || d < seen.Distance)
            {
                best[late] = (early, d, exact);
            }
        }

        if (best.Count == 0)
        {
            return AuditCheckContext.Nothing(examined);
        }

        var issues = best.OrderBy(b => b.Key).Select(b => AuditCheckContext.Issue(ex[b.Key],
                b.Value.Exact ? $"identical to {ex[b.Value.Other].Path} in {ex[b.Value.Other].Split}"
                    : $"a near copy ({b.Value.Distance} bits) of {ex[b.Value.Other].Path} in {ex[b.Value.Other].Split}", b.Value.Distance)
            with { Related = [ex[b.Value.Other].Path], Distance = b.Value.Distance }).ToList();
        var exactCount = best.Count(b => b.Value.Exact);
        var bySplit = AuditCheckContext.CountBy(best, b => $"{ex[b.Value.Other].Split}→{ex[b.Key].Split}");
        var evidence = new CopiesEvidence(examined, issues.Count, best.Select(b => b.Value.Other).Distinct().Count(), exactCount, issues.Count - exactCount, maxImage, bySplit);
        var worst = bySplit.MaxBy(kv => kv.Value);
        return context.Found(examined, Severity.Error, exactCount == issues.Count ? 1.0 : 0.85,
            $"{issues.Count} examples leak across splits ({exactCount} identical, {issues.Count - exactCount} near copies; most {worst.Key}: {worst.Value})",
            evidence, issues,
            "An evaluation example that is also (nearly) in training is scored from memory: validation and test metrics overstate how the model does on new data.",
            "Remove the leaked copies from the evaluation splits (runlens audit --write-filter FILE lists them) and re-evaluate.",
            "Split by source (video, patient, speaker, document) rather than by example so copies cannot straddle splits.");
    }
}

using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules.AcrossRuns;

/// <summary>RL0601: how far runs that differ only by seed spread on the primary metric — the smallest difference between
/// configurations that is more than seed noise.</summary>
public sealed class SeedVarianceRule : IRule
{
    public RuleDescriptor Descriptor { get; } = RuleDescriptor.Create(
        "RL0601", "seed-variance", "Seeds spread too widely to trust small differences", RuleCategory.AcrossRuns, Severity.Warning,
        [Signal.Seeds],
        [typeof(SeedVarianceEvidence)],
        new RuleOption("max_range", 0.03, "Range (max − min) of the primary metric across seeds from which the spread is a warning"),
        new RuleOption("claimed_difference", 0, "A difference between configurations you want to claim; the finding says whether it exceeds seed noise (0: not given)"));

    public IEnumerable<Finding> Evaluate(RuleContext context)
    {
        var seeds = context.Run.Seeds!;
        if (!seeds.Metrics.TryGetValue(seeds.PrimaryMetric, out var m) || m.Values.Length < 2)
        {
            yield break;
        }

        var range = m.Max - m.Min;
        var halfWidth = (m.Ci95.High - m.Ci95.Low) / 2;
        var claimed = context.Option("claimed_difference");
        var wide = range >= context.Option("max_range") || (claimed > 0 && claimed < halfWidth);
        var evidence = new SeedVarianceEvidence(
            Metric: seeds.PrimaryMetric,
            Seeds: m.Values.Length,
            Values: [.. m.Values],
            Mean: m.Mean,
            Std: m.Std,
            Range: range,
            Ci95HalfWidth: halfWidth,
            Threshold: context.Option("max_range"),
            ClaimedDifference: claimed > 0 ? claimed : null,
            BestSeed: seeds.BestSeed);

        yield return context.Finding(
            wide ? Severity.Warning : Severity.Info,
            m.Values.Length >= 5 ? 0.85 : 0.6,
            $"{seeds.PrimaryMetric} varies {Format.Number(m.Min)}–{Format.Number(m.Max)} across {m.Values.Length} seeds (std {Format.Number(m.Std)}, 95% CI ±{Format.Number(halfWidth)})"
                + (claimed > 0
                    ? claimed < halfWidth ? $": a claimed difference of {Format.Number(claimed)} is within seed noise" : $": a claimed difference of {Format.Number(claimed)} exceeds seed noise"
                    : $": differences between configurations smaller than about {Format.Number(halfWidth)} are seed noise"),
            evidence,
            [],
            [
                Recommendation.Do($"Report the mean ± CI over seeds ({Format.Number(m.Mean)} ± {Format.Number(halfWidth)}), not the best seed ({seeds.BestSeed})."),
                Recommendation.Do(m.Values.Length < 5 ? "Run more seeds (5 or more) before comparing configurations: with few seeds the interval is wide." : "Compare configurations with the same seeds and a paired test."),
            ],
            wide ? "Seed-to-seed variation is large compared with the differences one usually claims between configurations." : null);
    }
}

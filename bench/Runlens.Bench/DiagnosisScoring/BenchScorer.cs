using System.Collections.Immutable;
using Runlens.Analysis.Rules;

namespace Runlens.Bench.DiagnosisScoring;

/// <summary>Scores outcomes against their truth, per split. Pure.</summary>
internal static class BenchScorer
{
    /// <summary>The rules scored: the run rules without those that need several runs (seed variance), then the data-audit
    /// checks (they judge the runs that carry data/), without the ignored ones.</summary>
    public static ImmutableArray<string> ScoredRules(ImmutableHashSet<string> ignored) =>
        [.. RuleCatalog.All.Where(r => r.Descriptor.Category != RuleCategory.AcrossRuns).Select(r => r.Descriptor.Slug)
            .Concat(global::Runlens.Audit.AuditCatalog.All.Select(c => c.Descriptor.Slug))
            .Where(slug => !ignored.Contains(slug))];

    public static SplitScore Score(string split, IReadOnlyList<RunOutcome> outcomes, CauseTable causes, ImmutableHashSet<string> ignored)
    {
        var rules = ImmutableArray.CreateBuilder<RuleScore>();
        foreach (var rule in ScoredRules(ignored))
        {
            int tp = 0, fn = 0, fp = 0, allowed = 0;
            foreach (var o in outcomes)
            {
                var fired = o.Fired.Contains(rule);
                if (o.Truth.Faults.Contains(rule))
                {
                    tp += fired ? 1 : 0;
                    fn += fired ? 0 : 1;
                }
                else if (fired)
                {
                    allowed += o.Truth.Allowed.Contains(rule) ? 1 : 0;
                    fp += o.Truth.Allowed.Contains(rule) ? 0 : 1;
                }
            }

            var meantFor = outcomes.Where(o => o.Truth.Faults.Contains(rule)).Select(o => o.Truth.Condition).Distinct()
                .Order(StringComparer.Ordinal).ToImmutableArray();
            rules.Add(new RuleScore(rule, meantFor, tp, fn, fp, allowed));
        }

        var healthy = outcomes.Where(o => o.Truth.RootCause == BenchTruth.Healthy).ToList();
        var withBest = outcomes.Where(o => o.Truth.BestStep is not null).ToList();
        return new SplitScore(
            split,
            [.. outcomes],
            rules.ToImmutable(),
            outcomes.Count(o => o.RootCauseRight(causes)),
            healthy.Count,
            healthy.Count(o => !o.Errors.IsEmpty),
            withBest.Count,
            withBest.Count(o => o.BestStepExact),
            outcomes.Count(o => o.ImportError is null));
    }
}

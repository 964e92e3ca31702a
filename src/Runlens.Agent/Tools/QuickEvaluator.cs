using System.Collections.Immutable;
using System.Globalization;
using Runlens.Agent.Goals;
using Runlens.Agent.Registry;
using Runlens.Analysis.Evaluation;
using Runlens.Import;
using Runlens.Pipeline.Predictions;

namespace Runlens.Agent.Tools;

/// <summary>
/// Seed 003's <c>pytorch_quick_evaluator</c>, on <c>runlens evaluate --seeds</c>'s pieces: each seed's validation
/// predictions read as the pipeline reads a predictions file, every metric (scikit-learn's values), the data and label
/// rules per seed, then every metric aggregated over the seeds (mean, std, min, max, Student-t 95% interval, best seed)
/// and the seed-variance rule. The goal is achieved when every seed gave predictions and the judged figure reaches the
/// threshold.
/// </summary>
public static class QuickEvaluator
{
    /// <summary>Reads and evaluates every finished seed's predictions, then aggregates them (a resumed agent's way; a
    /// running one reads each seed as it finishes, <see cref="ReadSeedAsync"/>, and aggregates at the end).</summary>
    public static async Task<SeedEvaluation> EvaluateAsync(AgentGoal goal, IReadOnlyList<SeedOutcome> outcomes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        var seeds = new List<SeedAnalysis>();
        foreach (var o in outcomes)
        {
            var (context, evaluation, problem) = await ReadSeedAsync(o, cancellationToken).ConfigureAwait(false);
            seeds.Add(new SeedAnalysis(o.Seed, context, evaluation, problem, null, TimeSpan.Zero));
        }

        return Aggregate(goal, seeds);
    }

    /// <summary>One seed's predictions read as the pipeline reads a predictions file, every metric (scikit-learn's values)
    /// and the data and label rules; nothing for a seed that did not finish or wrote no predictions.</summary>
    public static async Task<(PredictionContext? Context, PredictionEvaluation? Evaluation, string? Problem)> ReadSeedAsync(SeedOutcome outcome, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (outcome.Predictions is null || outcome.Status != SeedTrainer.Finished)
        {
            return (null, null, null);
        }

        try
        {
            var context = await PredictionInputs.ReadFileAsync(outcome.Predictions, null, "validation", cancellationToken).ConfigureAwait(false);
            return (context, context.Evaluation with { Findings = PredictionRules.Diagnose(outcome.Predictions, context) }, null);
        }
        catch (RunImportException ex)
        {
            return (null, null, ex.Message);
        }
    }

    /// <summary>Every metric aggregated over the seeds that gave predictions (mean, std, min, max, Student-t 95% interval,
    /// best seed) and the seed-variance rule; the goal is judged on the aggregate.</summary>
    public static SeedEvaluation Aggregate(AgentGoal goal, IReadOnlyList<SeedAnalysis> seeds)
    {
        ArgumentNullException.ThrowIfNull(goal);
        ArgumentNullException.ThrowIfNull(seeds);
        var contexts = seeds.Where(s => s.Predictions is not null).ToDictionary(s => s.Seed, s => s.Predictions!);
        var evaluations = seeds.Where(s => s.Evaluation is not null).Select(s => (s.Seed, Evaluation: s.Evaluation!)).ToList();
        var problems = seeds.Where(s => s.Problem is not null).Select(s => s.Problem!).ToList();
        if (evaluations.Count == 0)
        {
            return new SeedEvaluation(null, contexts, problems);
        }

        var target = goal.Target;
        var aggregate = SeedAggregate.Of([.. evaluations.Select(e => (Name(e.Seed), e.Evaluation.FlatMetrics()))], target.Metric, target.GreaterIsBetter);
        var findings = evaluations.Count >= 2 ? PredictionRules.DiagnoseSeeds(aggregate) : [];
        var metrics = aggregate.Metrics.ToImmutableSortedDictionary(kv => kv.Key, kv => Interval(kv.Value), StringComparer.Ordinal);
        double? value = aggregate.Metrics.TryGetValue(target.Metric, out var m)
            ? target.JudgedOn == JudgedOn.Mean ? m.Mean : target.GreaterIsBetter ? m.Ci95.Low : m.Ci95.High
            : null;
        if (value is { } v && !double.IsFinite(v))
        {
            value = null;
        }

        if (!aggregate.Metrics.ContainsKey(target.Metric))
        {
            problems.Add($"the predictions give no {target.Metric} (they give {string.Join(", ", aggregate.Metrics.Keys)}); the goal cannot be judged");
        }

        var achieved = value is { } g && evaluations.Count == goal.Seeds.Length && target.IsReachedBy(g);
        var all = evaluations.SelectMany(e => e.Evaluation.Findings.Select(f => $"{f.Rule} (seed {e.Seed}): {f.Title}"))
            .Concat(findings.Select(f => $"{f.Rule}: {f.Title}"));
        return new SeedEvaluation(
            new EvaluationRecord(evaluations.Count, metrics, aggregate.BestSeed is { } b ? int.Parse(b[5..], CultureInfo.InvariantCulture) : null,
                target.Metric, value, achieved, [.. all]),
            contexts, problems);
    }

    private static string Name(int seed) => "seed-" + seed.ToString(CultureInfo.InvariantCulture);

    private static MetricInterval Interval(MetricAggregate a) => new(
        a.Mean,
        double.IsFinite(a.Std) ? a.Std : null,
        a.Min,
        a.Max,
        double.IsFinite(a.Ci95.Low) && double.IsFinite(a.Ci95.High) ? [a.Ci95.Low, a.Ci95.High] : null,
        a.Values);
}

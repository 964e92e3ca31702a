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
    public static async Task<SeedEvaluation> EvaluateAsync(AgentGoal goal, IReadOnlyList<SeedOutcome> outcomes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(goal);
        ArgumentNullException.ThrowIfNull(outcomes);
        var contexts = new Dictionary<int, PredictionContext>();
        var evaluations = new List<(int Seed, PredictionEvaluation Evaluation)>();
        var problems = new List<string>();
        foreach (var o in outcomes.Where(o => o.Predictions is not null && o.Status == SeedTrainer.Finished))
        {
            try
            {
                var context = await PredictionInputs.ReadFileAsync(o.Predictions!, null, "validation", cancellationToken).ConfigureAwait(false);
                contexts[o.Seed] = context;
                evaluations.Add((o.Seed, context.Evaluation with { Findings = PredictionRules.Diagnose(o.Predictions!, context) }));
            }
            catch (RunImportException ex)
            {
                problems.Add(ex.Message);
            }
        }

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

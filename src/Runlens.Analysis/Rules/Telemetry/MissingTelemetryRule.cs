using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules.Telemetry;

/// <summary>RL0501: signals that would unblock other rules are not logged.</summary>
public sealed class MissingTelemetryRule : IUsesCoverage
{
    public RuleDescriptor Descriptor { get; } = RuleDescriptor.Create(
        "RL0501", "missing-telemetry", "Signals that would unblock other rules are not logged", RuleCategory.Telemetry, Severity.Info,
        [],
        [typeof(MissingTelemetryEvidence)]);

    public IEnumerable<Finding> Evaluate(RuleContext context)
    {
        var coverage = context.Coverage?.Coverage;
        if (coverage is null || coverage.Missing.Length == 0)
        {
            yield break;
        }

        var run = context.Run.Run;
        var vocab = new TrainerVocabulary(run);
        foreach (var missing in coverage.Missing.Where(m => m.Signal != "predictions"))
        {
            var noEval = missing.Signal is "val/loss" or "val/metric";
            var changes = new List<ConfigChange>();
            if (noEval && vocab.IsHf)
            {
                var steps = run.Trainer.GlobalStep ?? run.Trainer.MaxSteps;
                var every = steps is > 0 ? Math.Max(1, steps.Value / 20) : 500;
                changes.Add(vocab.Change("eval_strategy", "steps"));
                changes.Add(vocab.Change("eval_steps", every));
            }

            // Losses logged under names with no train/validation split (a GAN's 'Generator loss') are there, just not
            // recognisable as the training or validation loss: say so rather than "not logged".
            var unsplit = missing.Signal is "train/loss" or "val/loss"
                ? run.Series.Values.Where(s => s.Count > 0 && Model.MetricNames.SplitOf(s.Key) is null && Model.MetricNames.IsLossName(s.Key))
                    .Select(s => s.OriginalName).Take(4).ToList()
                : [];
            yield return context.Finding(
                noEval && missing.Signal == "val/metric" ? Severity.Warning : Severity.Info,
                1.0,
                unsplit.Count > 0
                    ? $"No series is recognisable as {missing.Signal} (losses logged without a train/validation prefix: {string.Join(", ", unsplit.Select(u => $"'{u}'"))}), so {string.Join(", ", missing.Blocks)} cannot run"
                    : $"{missing.Signal} is not logged, so {string.Join(", ", missing.Blocks)} cannot run",
                new MissingTelemetryEvidence(
                    Signal: missing.Signal,
                    Blocks: [.. missing.Blocks],
                    CoverageScore: coverage.Score),
                [],
                [Recommendation.Do(Capitalise(missing.HowToLog) + ".", [.. changes])],
                null);
        }
    }

    private static string Capitalise(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];
}

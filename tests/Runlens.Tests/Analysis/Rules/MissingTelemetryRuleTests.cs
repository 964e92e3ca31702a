using Runlens.Analysis.Rules.Telemetry;
using Runlens.Tests.Support;

namespace Runlens.Tests.Analysis.Rules;

public sealed class MissingTelemetryRuleTests : RuleTestBase
{
    [Fact]
    public void Names_the_missing_signal_and_the_rules_it_blocks()
    {
        var run = new RunBuilder().Series("train/loss", 10, RunBuilder.Falling(333, 0.03, 0.002))
            .Trainer(t => t with { GlobalStep = 3330 }).Build();
        var findings = Findings(run, "missing-telemetry");
        var valMetric = Assert.Single(findings, f => f.Evidence is MissingTelemetryEvidence { Signal: "val/metric" });
        Assert.Contains("past-best-checkpoint", EvidenceOf<MissingTelemetryEvidence>(valMetric).Blocks);
        Assert.Contains(valMetric.Recommendations[0].ConfigChanges, c => c.Key == "eval_steps" && c.To.Number == 166);
    }

    [Fact]
    public void Does_not_fire_when_every_signal_is_there()
    {
        var run = new RunBuilder()
            .Series("train/loss", 10, RunBuilder.Falling(100, 2.0, 0.2))
            .Series("val/loss", 100, 1.9, 1.0, 0.5, 0.4)
            .Series("train/grad_norm", 10, [.. RunBuilder.Noise(100, 0.05).Select(e => Math.Abs(0.3 + e))])
            .Build();
        // Predictions are a signal too (the data and label rules need them), listed under coverage only.
        var b = new PredictionSetBuilder("a", "b");
        for (var i = 0; i < 40; i++)
        {
            b.Add($"x{i}", i % 2, probabilities: i % 2 == 0 ? [0.8, 0.2] : [0.3, 0.7]);
        }

        var predictions = Runlens.Analysis.Evaluation.PredictionContext.Of(b.Build());
        Assert.Empty(Findings(run, predictions, "missing-telemetry"));
        Assert.Equal(1.0, new Runlens.Analysis.Diagnoses.Diagnoser().Diagnose(run, predictions).Coverage.Score);
        Assert.Empty(Findings(run, "missing-telemetry"));
        Assert.Equal(["predictions"], Diagnose(run).Coverage.Missing.Select(m => m.Signal)); // only what a run cannot log
    }
}

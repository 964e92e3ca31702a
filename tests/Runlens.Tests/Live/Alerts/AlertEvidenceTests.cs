using Runlens.Analysis.Findings;
using Runlens.Analysis.Rules.LearningDynamics;
using Runlens.Live.Alerts;
using Runlens.Live.Control;
using Runlens.Tests.Support;
using static Runlens.Tests.Live.Alerts.AlertTestData;

namespace Runlens.Tests.Live.Alerts;

/// <summary>The alert engine reads a finding's evidence by its typed fields.</summary>
public sealed class AlertEvidenceTests
{
    [Fact]
    public async Task A_rollback_goes_to_the_checkpoint_the_past_best_checkpoint_evidence_names()
    {
        var engine = new AlertEngine(Config("actions:\n  - rule: past-best-checkpoint\n    do: rollback\n    min_severity: info\n"), [new RecordingAlertSink()]);
        // The run records no checkpoint and no trainer best: only the evidence names one.
        var run = new RunBuilder().Series("val/loss", 100, 1.0, 0.6, 0.5, 0.7, 0.8).Build();
        var evidence = new PastBestCheckpointEvidence("val/loss", false, 300, 0.5, double.NaN, 500, 0.8, 0.6, 0.01, 200, 2, 0.4,
            "out/checkpoint-300", 1, 0.1, 0.5, double.NaN, 0.6, 0.01);
        var past = NewFinding("RL0102", "past-best-checkpoint", Severity.Warning, "the last eval is 200 steps past the best", evidence, "val/loss");

        var e = await engine.EvaluateAsync(Diag(run, past), T0, T0, true, CancellationToken.None);

        var a = Assert.Single(e.Actions);
        Assert.Equal((ControlVerb.Rollback, "out/checkpoint-300"), (a.Action, a.Checkpoint));
        Assert.Contains("the best checkpoint out/checkpoint-300", a.Reason, StringComparison.Ordinal);
    }
}

using Runlens.Analysis.Diagnoses;
using Runlens.Analysis.Findings;
using Runlens.Tests.Support;

namespace Runlens.Tests.Analysis;

public sealed class RootCauseTests
{
    [Fact]
    public void Findings_of_one_cause_are_grouped_and_the_worst_cause_comes_first()
    {
        // Overfitting (error, with past-best and early-stopping) and one loss spike (information): one cause, the spike left out.
        double[] val = [1.0, 0.5, 0.55, 0.6, 0.7, 0.8, 0.9, 1.0];
        var run = new RunBuilder().Series("train/loss", 10, RunBuilder.Falling(80, 1.2, 0.1))
            .Series("val/loss", 100, val).Build();
        var d = new Diagnoser().Diagnose(run);
        var first = d.RootCauses[0];
        Assert.Equal("trained-past-best", first.Id);
        Assert.Equal(Severity.Error, first.Severity);
        Assert.Equal(["overfitting", "past-best-checkpoint", "early-stopping"], first.Rules.ToArray());
        Assert.Contains("step 200", first.FixFirst!.Action, StringComparison.Ordinal);
    }

    [Fact]
    public void An_error_cause_outranks_a_cause_with_more_warnings()
    {
        var g = RunBuilder.Noise(100, 0.05, 3).Select(e => Math.Abs(0.3 + e)).ToArray();
        g[50] = double.PositiveInfinity;
        double[] val = [1.0, 0.8, 0.7, 0.71, 0.73, 0.74];
        var run = new RunBuilder().Series("train/loss", 10, RunBuilder.Falling(100, 1.2, 0.5, 0.02))
            .Series("train/grad_norm", 10, g).Series("val/loss", 200, val).Build();
        var d = new Diagnoser().Diagnose(run);
        Assert.Equal("unstable-optimisation", d.RootCauses[0].Id);
        Assert.Contains(d.RootCauses, c => c.Id == "trained-past-best");
    }
}

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
        Assert.Equal("overfitting", first.Id);
        Assert.Equal(Severity.Error, first.Severity);
        Assert.Equal(["overfitting", "past-best-checkpoint", "early-stopping"], first.Rules.ToArray());
        Assert.Contains("step 200", first.FixFirst!.Action, StringComparison.Ordinal);
    }

    [Fact]
    public void On_an_evaluation_set_too_small_to_measure_the_overfitting_read_from_it_joins_that_cause()
    {
        // The same rise after step 200, on an evaluation set whose accuracy moves in twelfths: eval-too-small fires, and the
        // overfitting, past-best checkpoint and missed stop read from 12 examples are listed under it, fixed first.
        double[] val = [1.0, 0.5, 0.55, 0.6, 0.7, 0.8, 0.9, 1.0];
        double[] accuracy = [0.5833333134651184, 0.9166666865348816, 0.8333333134651184, 0.8333333134651184, 0.75, 0.75, 0.6666666865348816, 0.6666666865348816];
        var run = new RunBuilder().Series("train/loss", 10, RunBuilder.Falling(80, 1.2, 0.1))
            .Series("val/loss", 100, val).Series("val/accuracy", 100, accuracy).Build();
        var d = new Diagnoser().Diagnose(run);
        var first = d.RootCauses[0];
        Assert.Equal("eval-too-small", first.Id);
        Assert.Equal("eval-too-small", first.Rules[0]);
        Assert.Contains("overfitting", first.Rules);
        Assert.DoesNotContain(d.RootCauses, c => c.Id is "overfitting" or "trained-past-best");
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
        Assert.Equal("numerical-overflow", d.RootCauses[0].Id); // a non-finite norm without a burst before it
        Assert.Contains(d.RootCauses, c => c.Id is "trained-past-best" or "overfitting");
    }

    [Fact]
    public void A_learning_rate_too_high_is_fixed_first_and_explains_the_missed_early_stop()
    {
        // Constant 0.3: the loss falls to 0.7, then bounces and climbs; validation is best early and gets worse.
        var n = 200;
        double[] loss = [.. Enumerable.Range(0, n).Select(i => i < 40 ? 2.0 - (0.033 * i) : 0.75 + (0.006 * (i - 40)))
            .Zip(RunBuilder.Noise(n, 0.35, 5), (a, e) => Math.Max(0.05, a * (1 + e)))];
        double[] val = [1.0, 0.8, 0.75, 0.9, 1.1, 1.3, 1.2, 1.5, 1.6, 1.8];
        var run = new RunBuilder().Series("train/loss", 10, loss).Series("train/learning_rate", 10, [.. Enumerable.Repeat(0.3, n)])
            .Series("val/loss", 200, val).Config("learning_rate", 0.3).Build();
        var d = new Diagnoser().Diagnose(run);
        var first = d.RootCauses[0];
        Assert.Equal("lr-too-high", first.Id);
        Assert.Equal("lr-too-high", first.Rules[0]);
        Assert.DoesNotContain(d.RootCauses, c => c.Id == "trained-past-best"); // the early stop it missed is the rate's doing
    }

    [Fact]
    public void A_sudden_drop_is_told_apart_by_what_the_learning_rate_did()
    {
        // The validation loss jumps between steps 500 and 600 and stays worse; the training loss jumps to a new level.
        var n = 100;
        double[] train = [.. Enumerable.Range(0, n).Select(i => i < 50 ? 1.0 - (0.012 * i) : 1.6).Zip(RunBuilder.Noise(n, 0.01, 3), (a, e) => a + e)];
        double[] val = [1.0, 0.8, 0.6, 0.5, 0.45, 1.3, 1.35, 1.3, 1.32, 1.31];
        Diagnosis Run(double[] lr) => new Diagnoser().Diagnose(new RunBuilder().Series("train/loss", 10, train)
            .Series("val/loss", 100, val).Series("train/learning_rate", 10, lr).Build());

        // The rate did not move: the data changed.
        Assert.Equal("data-shift", Run([.. Enumerable.Repeat(1e-3, n)]).RootCauses[0].Id);

        // The rate went up 100x for a few logs and came back: a spike.
        Assert.Equal("lr-spike", Run([.. Enumerable.Range(0, n).Select(i => i is >= 48 and <= 50 ? 0.1 : 1e-3)]).RootCauses[0].Id);

        // The rate had decayed and climbed back to its peak for the rest of the run: the schedule restarted.
        Assert.Equal("schedule-restart", Run([.. Enumerable.Range(0, n).Select(i => i < 48 ? 1e-3 * (1 - (i / 50.0)) + 1e-5 : 1e-3)]).RootCauses[0].Id);

        // A warmup still climbing through the logs before the drop (up 3x within them, never higher before) is no restart:
        // its latest values before the drop are above the window's low point, which is no decay.
        var warmup = Run([.. Enumerable.Range(0, n).Select(i => Math.Min(1e-3, 1e-5 * Math.Pow(1.1, i)))]);
        Assert.DoesNotContain(warmup.RootCauses, c => c.Id == "schedule-restart");
    }

    [Fact]
    public void Missing_telemetry_is_not_a_root_cause()
    {
        // A healthy falling loss and nothing else logged: missing-telemetry warns, but nothing is wrong with the training.
        var run = new RunBuilder("lightning-csv").Series("train/loss", 10, RunBuilder.Falling(200, 2.3, 0.3, 0.02)).Build();
        var d = new Diagnoser().Diagnose(run);
        Assert.Contains(d.Findings, f => f.Rule == "missing-telemetry" && f.Severity >= Severity.Warning);
        Assert.Empty(d.RootCauses);
    }
}

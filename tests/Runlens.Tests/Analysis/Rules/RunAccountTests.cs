using Runlens.Analysis.Findings;
using Runlens.Analysis.Rules.RunAccounting;
using Runlens.Import;
using Runlens.Model;
using Runlens.Tests.Support;

namespace Runlens.Tests.Analysis.Rules;

/// <summary>The run's bookkeeping (effective batch, steps per epoch, epochs seen, evaluation and save cadence) and RL0401
/// epoch-step-mismatch at any fraction of an epoch, checked against figures worked out by hand.</summary>
public sealed class RunAccountTests : RuleTestBase
{
    private static async Task<Run> Seed002Async()
    {
        var result = await ImporterCatalog.ImportAsync(Fixtures.Test("reports/seed-002-replica"));
        return Assert.Single(result.Runs);
    }

    [Fact]
    public async Task The_hand_written_diagnosis_numbers_come_out_of_its_run()
    {
        // 4 per device x 1 device x 4 accumulation = 16; 1,000,000 / 16 = 62,500 steps per epoch; 60,000 / 62,500 = 0.96.
        var account = RunAccount.Of(await Seed002Async());
        Assert.Equal(1_000_000L, account.TrainExamples);
        Assert.Equal(4, account.BatchPerDevice);
        Assert.Equal(1, account.Devices);
        Assert.Equal(4, account.GradientAccumulation);
        Assert.Equal(16, account.EffectiveBatch);
        Assert.Equal(62_500, account.StepsPerEpoch);
        Assert.Equal(60_000L, account.Steps);
        Assert.Equal(0.96, account.EpochsFromSteps!.Value, 10);
        Assert.Equal(0.1, account.EpochsLogged);
        Assert.Equal(600_000, account.LoggedStepsPerEpoch!.Value, 6);
        Assert.Equal(3, account.Evaluations);
        Assert.Equal(20_000L, account.EvaluationEvery);
        string[] expected =
            [
                "Effective batch 16 = 4 per device × 1 device × 4 accumulation (devices not recorded: 1 assumed).",
                "1,000,000 training examples / 16 per step = 62,500 steps per epoch.",
                "60,000 steps / 62,500 per epoch = 0.96 of an epoch; the epoch counter says 0.10 of an epoch.",
                "3 evaluations, every 20,000 steps (0.32 of an epoch).",
                "Checkpoints saved every 20,000 steps (by the config).",
            ];
        Assert.Equal(expected.Length, account.Arithmetic.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], account.Arithmetic[i]);
        }
    }

    [Fact]
    public async Task An_epoch_counter_at_a_tenth_of_an_epoch_that_disagrees_with_the_steps_is_reported()
    {
        var f = Assert.Single(Findings(await Seed002Async(), "epoch-step-mismatch"));
        Assert.Equal(Severity.Warning, f.Severity);
        var e = EvidenceOf<EpochStepMismatchEvidence>(f);
        Assert.Equal(16, e.EffectiveBatch);
        Assert.Equal(62_500, e.ImpliedStepsPerEpoch);
        Assert.Equal(60_000L, e.AtStep);
        Assert.Equal(0.1, e.LoggedEpoch);
        Assert.Equal(0.96, e.EpochsFromSteps, 10);
        Assert.Null(e.ExplainedByDevices);
        Assert.Equal(
            "At step 60,000 the epoch counter says 0.10 of an epoch, but 1,000,000 examples at an effective batch of 16 (4 per device × 1 device × 4 accumulation) make 62,500 steps per epoch, so 60,000 steps are 0.96 of an epoch",
            f.Title);
    }

    [Fact]
    public void A_counter_that_agrees_early_in_the_first_epoch_is_not_reported()
    {
        // 10,000 examples at 32 per step: 313 steps per epoch; at step 30 the counter says 0.1 (0.0958 by the steps),
        // within its two-decimal rounding and the tolerance.
        var run = new RunBuilder().Series("train/loss", [10, 20, 30], [0.9, 0.8, 0.7], epochs: [0.03, 0.06, 0.1])
            .Config("per_device_train_batch_size", 32).Build() with { Dataset = new DatasetStats(TrainExamples: 10_000) };
        Assert.Empty(Findings(run, "epoch-step-mismatch"));
    }

    [Fact]
    public void A_counter_running_ahead_early_in_the_first_epoch_is_reported()
    {
        // Same run, but the counter says 0.38 at step 30 (4x ahead: an accumulation of 4 the config does not record).
        var run = new RunBuilder().Series("train/loss", [10, 20, 30], [0.9, 0.8, 0.7], epochs: [0.13, 0.25, 0.38])
            .Config("per_device_train_batch_size", 32).Build() with { Dataset = new DatasetStats(TrainExamples: 10_000) };
        var f = Assert.Single(Findings(run, "epoch-step-mismatch"));
        Assert.Equal(4, EvidenceOf<EpochStepMismatchEvidence>(f).ExplainedByDevices);
    }

    [Fact]
    public void A_counter_of_whole_epochs_is_allowed_its_one_epoch_of_resolution()
    {
        // 313 steps per epoch; a Lightning-style counter says epoch 1 at step 600 (1.9 epochs by the steps, still in epoch 1
        // when counted from 0): not a mismatch.
        var run = new RunBuilder().Series("train/loss", [300, 600], [0.9, 0.8], epochs: [0, 1])
            .Config("per_device_train_batch_size", 32).Build() with { Dataset = new DatasetStats(TrainExamples: 10_000) };
        Assert.Empty(Findings(run, "epoch-step-mismatch"));
    }

    [Fact]
    public void A_run_without_sizes_has_an_account_with_nothing_worked_out()
    {
        var account = RunAccount.Of(new RunBuilder().Series("train/loss", [1, 2], [0.9, 0.8]).Build());
        Assert.Null(account.EffectiveBatch);
        Assert.Null(account.StepsPerEpoch);
        Assert.Null(account.EpochsFromSteps);
        Assert.Empty(account.Arithmetic);
    }
}

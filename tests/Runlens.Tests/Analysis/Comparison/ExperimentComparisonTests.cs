using MathNet.Numerics.Statistics;
using Runlens.Analysis.Comparison;
using Runlens.Analysis.Findings;
using Runlens.Model;
using Runlens.Tests.Support;

namespace Runlens.Tests.Analysis.Comparison;

/// <summary>Runs whose answers are known by construction: best run, margin, steps to target, loss_std, unique findings,
/// seed spread and the recommendation that names the one differing key.</summary>
public sealed class ExperimentComparisonTests
{
    internal static Run Named(Run run, string name) => run with { Identity = run.Identity with { Id = name, Name = name } };

    private static Run ValLoss(string name, long every, params double[] values) =>
        Named(new RunBuilder().Series("val/loss", every, values).Build(), name);

    private static double[] NoisyLoss(int n, int seed) =>
        [.. RunBuilder.Falling(n, 2.5, 0.4, 0).Zip(RunBuilder.Noise(n, 0.06, seed), (a, e) => a * (1 + e))];

    private static double[] Spiky(int n, int seed)
    {
        var loss = NoisyLoss(n, seed);
        loss[200] *= 4;
        loss[350] *= 3;
        loss[500] *= 5;
        return loss;
    }

    [Fact]
    public void The_best_run_its_margin_and_the_ranking_come_from_the_primary_metrics_best_value()
    {
        var c = ExperimentComparison.Of([
            ValLoss("a", 100, 1.0, 0.8, 0.6, 0.5, 0.55),
            ValLoss("b", 100, 1.0, 0.7, 0.45, 0.4, 0.42),
            ValLoss("c", 100, 1.2, 1.0, 0.9, 0.65),
        ]);

        Assert.Equal("val/loss", c.Primary!.Key);
        Assert.False(c.Primary.GreaterIsBetter);
        Assert.True(c.Primary.Agreed);
        Assert.Equal([1, 0, 2], c.Ranking.Select(r => r.Run));
        Assert.Equal(0.4, c.Best!.Primary.Best);
        Assert.Equal(400, c.Best.Primary.BestStep);
        Assert.Equal(0.1, c.Margin!.Value, 12);
        Assert.Equal(0.25, c.Ranking[2].GapToBest, 12);
    }

    [Fact]
    public void Steps_to_target_default_to_the_worst_runs_best_and_follow_a_given_target()
    {
        Run[] runs = [
            ValLoss("a", 100, 1.0, 0.8, 0.6, 0.5, 0.55),
            ValLoss("b", 100, 1.0, 0.7, 0.45, 0.4, 0.42),
            ValLoss("c", 100, 1.2, 1.0, 0.9, 0.65),
        ];
        var m = ExperimentComparison.Of(runs).Metrics.Single(x => x.Key == "val/loss");

        // Worst best is c's 0.65: a first reaches ≤ 0.65 at step 300 (0.6), b at 300 (0.45), c at 400 (0.65).
        Assert.Equal(0.65, m.Target);
        Assert.False(m.TargetGiven);
        Assert.Equal([300L, 300L, 400L], m.PerRun.Select(p => p!.TargetStep!.Value));
        // c stops at step 400: the curves are compared there too.
        Assert.Equal(400, m.CommonStep);
        Assert.Equal([0.5, 0.4, 0.65], m.PerRun.Select(p => p!.AtCommonStep!.Value));

        var given = ExperimentComparison.Of(runs, new ComparisonOptions(Target: 0.5)).Metrics.Single(x => x.Key == "val/loss");
        Assert.True(given.TargetGiven);
        Assert.Equal(new long?[] { 400, 300, null }, given.PerRun.Select(p => p!.TargetStep));
    }

    [Fact]
    public void Loss_std_is_the_sample_std_of_the_last_tenth_of_the_training_loss_and_grad_norm_is_summarised()
    {
        var loss = NoisyLoss(200, 3);
        double[] grad = [.. Enumerable.Range(0, 200).Select(i => i == 50 ? double.NaN : 1 + (i % 7))];
        grad[120] = 42;
        var a = Named(new RunBuilder().Series("train/loss", 10, loss).Series("train/grad_norm", 10, grad).Build(), "a");
        var b = Named(new RunBuilder().Series("train/loss", 10, NoisyLoss(200, 4)).Build(), "b");

        var s = ExperimentComparison.Of([a, b]).Stability;

        Assert.Equal("train/loss", s[0].LossKey);
        Assert.Equal(loss.Skip(180).StandardDeviation(), s[0].LossStd!.Value, 12);
        Assert.Equal(20, s[0].LossStdPoints);
        Assert.Equal(1810, s[0].LossStdFromStep);
        Assert.Equal(grad.Where(double.IsFinite).Median(), s[0].GradNormMedian!.Value, 12);
        Assert.Equal(42, s[0].GradNormMax);
        Assert.Null(s[1].GradNormMedian);
    }

    [Fact]
    public void A_finding_in_one_run_only_is_unique_and_one_in_every_run_is_common()
    {
        var a = Named(new RunBuilder().Series("train/loss", 10, Spiky(600, 7)).Build(), "a");
        var b = Named(new RunBuilder().Series("train/loss", 10, NoisyLoss(600, 8)).Build(), "b");
        var c = Named(new RunBuilder().Series("train/loss", 10, NoisyLoss(600, 9)).Build(), "c");

        var cmp = ExperimentComparison.Of([a, b, c]);

        var spikes = Assert.Single(cmp.Unique, f => f.Rule == "loss-spikes");
        Assert.Equal([0], spikes.Runs.ToArray());
        Assert.Equal(["train/loss"], spikes.Series.ToArray());
        Assert.DoesNotContain(cmp.Common, f => f.Rule == "loss-spikes");
        // Every run lacks validation and gradient telemetry alike.
        Assert.Contains(cmp.Common, f => f.Rule == "missing-telemetry");
        Assert.Contains(cmp.Recommendations, r => r.Kind == "only-run-with" && r.Runs.SequenceEqual([0]));
    }

    [Fact]
    public void Loss_spikes_in_two_of_three_runs_name_the_one_differing_key_of_the_run_without_them()
    {
        var a = Named(new RunBuilder().Series("train/loss", 10, Spiky(600, 7)).Config("warmup_steps", 0).Config("seed", 1).Config("learning_rate", 3e-4).Build(), "a");
        var b = Named(new RunBuilder().Series("train/loss", 10, Spiky(600, 8)).Config("warmup_steps", 0).Config("seed", 2).Config("learning_rate", 3e-4).Build(), "b");
        var c = Named(new RunBuilder().Series("train/loss", 10, NoisyLoss(600, 9)).Config("warmup_steps", 500).Config("seed", 1).Config("learning_rate", 3e-4).Build(), "c");

        var cmp = ExperimentComparison.Of([a, b, c]);

        var spikes = Assert.Single(cmp.Findings, f => f.Rule == "loss-spikes");
        Assert.Equal([0, 1], spikes.Runs.ToArray());
        Assert.Equal(["seed", "warmup_steps"], cmp.Config.Select(d => d.Key));
        var r = Assert.Single(cmp.Recommendations, r => r.Kind == "only-run-without" && r.Action.Contains("loss spikes", StringComparison.Ordinal));
        Assert.StartsWith("The run with warmup_steps=500 (c) is the only one without loss spikes (train/loss)", r.Action, StringComparison.Ordinal);
        Assert.Equal([2], r.Runs.ToArray());
        var change = Assert.Single(r.ConfigChanges);
        Assert.Equal("warmup_steps", change.Key);
        Assert.Equal(0, change.From!.Value.Number);
        Assert.Equal(500, change.To.Number);
    }

    [Fact]
    public void A_run_is_not_called_the_only_one_without_a_problem_its_own_diagnosis_shows()
    {
        // All three runs spike; the third logs its training loss under another name, so its spikes are on another series.
        var a = Named(new RunBuilder().Series("train/loss", 10, Spiky(600, 7)).Config("warmup_steps", 0).Config("seed", 1).Build(), "a");
        var b = Named(new RunBuilder().Series("train/loss", 10, Spiky(600, 8)).Config("warmup_steps", 0).Config("seed", 2).Build(), "b");
        var c = Named(new RunBuilder().Series("train/ce_loss", 10, Spiky(600, 9)).Config("warmup_steps", 500).Config("seed", 1).Build(), "c");

        var cmp = ExperimentComparison.Of([a, b, c]);

        Assert.Contains(cmp.Findings, f => f.Rule == "loss-spikes" && f.Runs.SequenceEqual([0, 1]));
        Assert.Contains(cmp.Diagnoses[2].Findings, f => f.Rule == "loss-spikes");
        Assert.DoesNotContain(cmp.Recommendations, r => r.Kind == "only-run-without" && r.Action.Contains("loss spikes", StringComparison.Ordinal));
    }

    private static Run Seeded(string name, double lr, int seed, double best) =>
        Named(new RunBuilder().Series("val/loss", 100, 1.0, 0.8, best, best + 0.05).Config("learning_rate", lr).Config("seed", seed).Build(), name);

    [Fact]
    public void A_margin_smaller_than_the_seed_spread_is_within_seed_noise()
    {
        // A: 0.50, 0.52, 0.48 (mean 0.50, std 0.02); B: 0.49, 0.51, 0.47 (mean 0.49, std 0.02).
        var cmp = ExperimentComparison.Of([
            Seeded("a1", 1e-4, 1, 0.50), Seeded("a2", 1e-4, 2, 0.52), Seeded("a3", 1e-4, 3, 0.48),
            Seeded("b1", 3e-4, 1, 0.49), Seeded("b2", 3e-4, 2, 0.51), Seeded("b3", 3e-4, 3, 0.47),
        ]);

        var s = cmp.Seeds;
        Assert.Equal(SeedVerdict.WithinSeedNoise, s.Verdict);
        Assert.Equal(["seed"], s.SeedKeys.ToArray());
        Assert.Equal(2, s.Groups.Length);
        Assert.Equal([3, 4, 5], s.Groups[0].Runs.ToArray());
        Assert.True(s.Groups[0].SeedsDiffer);
        Assert.Equal(0.49, s.Groups[0].Mean, 12);
        Assert.Equal(0.02, s.Groups[0].Std!.Value, 12);
        Assert.Equal(0.02, s.PooledStd!.Value, 12);
        Assert.Equal(0.01, s.Margin!.Value, 12);
        Assert.Equal(2 * 0.02 * Math.Sqrt(2.0 / 3), s.Noise!.Value, 12);
        Assert.Contains("within seed noise", s.Message, StringComparison.Ordinal);
        Assert.Contains(cmp.Recommendations, r => r.Kind == "seed-noise" && r.Action.Contains("run more seeds", StringComparison.Ordinal));
        Assert.StartsWith("Tentatively", cmp.Recommendations.Single(r => r.Kind == "next-config").Action, StringComparison.Ordinal);
    }

    [Fact]
    public void A_margin_larger_than_the_seed_spread_is_beyond_seed_noise()
    {
        var cmp = ExperimentComparison.Of([
            Seeded("a1", 1e-4, 1, 0.50), Seeded("a2", 1e-4, 2, 0.52), Seeded("a3", 1e-4, 3, 0.48),
            Seeded("b1", 3e-4, 1, 0.40), Seeded("b2", 3e-4, 2, 0.42), Seeded("b3", 3e-4, 3, 0.38),
        ]);

        Assert.Equal(SeedVerdict.BeyondSeedNoise, cmp.Seeds.Verdict);
        Assert.Equal(0.10, cmp.Seeds.Margin!.Value, 12);
        var next = cmp.Recommendations.Single(r => r.Kind == "next-config");
        Assert.Equal("Start the next run from the best run's settings (b3): learning_rate=0.0003.", next.Action);
        Assert.DoesNotContain(cmp.Recommendations, r => r.Kind is "seed-noise" or "more-seeds");
    }

    [Fact]
    public void Without_runs_that_differ_only_by_seed_the_spread_is_unknown()
    {
        var cmp = ExperimentComparison.Of([Seeded("a", 1e-4, 1, 0.50), Seeded("b", 3e-4, 1, 0.45)]);
        Assert.Equal(SeedVerdict.SeedsUnknown, cmp.Seeds.Verdict);
        Assert.Null(cmp.Seeds.PooledStd);
        Assert.StartsWith("Seeds unknown", cmp.Seeds.Message, StringComparison.Ordinal);
        Assert.Contains(cmp.Recommendations, r => r.Kind == "more-seeds");
    }

    [Fact]
    public void Runs_that_differ_only_by_seed_are_one_configuration()
    {
        var cmp = ExperimentComparison.Of([Seeded("a", 1e-4, 1, 0.50), Seeded("b", 1e-4, 2, 0.45), Seeded("c", 1e-4, 3, 0.47)]);
        Assert.Equal(SeedVerdict.OneConfiguration, cmp.Seeds.Verdict);
        Assert.Equal(["seed"], cmp.Config.Select(d => d.Key));
        Assert.Contains(cmp.Recommendations, r => r.Kind == "same-config" && r.Action.Contains("differ only by seed", StringComparison.Ordinal));
        Assert.DoesNotContain(cmp.Recommendations, r => r.Kind == "next-config");
    }

    [Fact]
    public void Output_folders_and_run_names_do_not_split_a_seed_group()
    {
        Run WithDir(Run r) => r with { Config = r.Config.With("output_dir", ConfigValue.Of("out/" + r.Identity.Name)).With("run_name", ConfigValue.Of(r.Identity.Name)) };
        var cmp = ExperimentComparison.Of([WithDir(Seeded("a", 1e-4, 1, 0.50)), WithDir(Seeded("b", 1e-4, 2, 0.45))]);
        Assert.Equal(SeedVerdict.OneConfiguration, cmp.Seeds.Verdict);
        Assert.Contains(cmp.Config, d => d.Key == "output_dir");
    }

    [Fact]
    public void Runs_that_chose_different_primary_metrics_are_compared_on_one_and_the_note_says_so()
    {
        var a = Named(new RunBuilder().Series("val/loss", 100, 0.9, 0.7, 0.6).Series("val/f1", 100, 0.5, 0.6, 0.7)
            .Trainer(t => t with { BestMetricKey = "val/f1", GreaterIsBetter = true }).Build(), "a");
        var b = Named(new RunBuilder().Series("val/loss", 100, 0.9, 0.6, 0.5).Series("val/f1", 100, 0.5, 0.65, 0.75).Build(), "b");

        var cmp = ExperimentComparison.Of([a, b]);

        Assert.Equal("val/f1", cmp.Primary!.Key);
        Assert.True(cmp.Primary.GreaterIsBetter);
        Assert.False(cmp.Primary.Agreed);
        Assert.Equal(new string?[] { "val/f1", "val/loss" }, cmp.Primary.PerRun.AsEnumerable());
        Assert.Contains("b: val/loss", cmp.Primary.Note, StringComparison.Ordinal);
        Assert.Equal(1, cmp.Best!.Run);
    }

    [Fact]
    public void Without_a_validation_metric_the_runs_are_ranked_by_training_loss_and_the_note_says_what_that_means()
    {
        var a = Named(new RunBuilder().Series("train/loss", 10, NoisyLoss(100, 1)).Build(), "a");
        var b = Named(new RunBuilder().Series("train/loss", 10, [.. NoisyLoss(100, 2).Select(v => v + 1)]).Build(), "b");
        var cmp = ExperimentComparison.Of([a, b]);
        Assert.Equal("train/loss", cmp.Primary!.Key);
        Assert.Contains("not how well it generalises", cmp.Primary.Note, StringComparison.Ordinal);
        Assert.Equal(0, cmp.Best!.Run);
    }

    [Fact]
    public void Repeated_names_get_distinct_labels_and_one_run_is_refused()
    {
        var a = ValLoss("same", 100, 1, 0.5);
        var b = ValLoss("same", 100, 1, 0.4);
        var cmp = ExperimentComparison.Of([a, b]);
        Assert.Equal(2, cmp.Labels.Distinct().Count());
        Assert.Throws<ArgumentException>(() => ExperimentComparison.Of([a]));
    }

    [Fact]
    public void The_same_runs_give_the_same_comparison()
    {
        Run[] runs = [Seeded("a", 1e-4, 1, 0.50), Seeded("b", 3e-4, 1, 0.45), Seeded("c", 3e-4, 2, 0.46)];
        var x = ExperimentComparison.Of(runs);
        var y = ExperimentComparison.Of(runs);
        Assert.Equal(x.Recommendations.Select(r => r.Action), y.Recommendations.Select(r => r.Action));
        Assert.Equal(x.Seeds.Message, y.Seeds.Message);
        Assert.Equal(x.Findings.Select(f => f.Title), y.Findings.Select(f => f.Title));
    }

    [Fact]
    public void Seed_and_bookkeeping_keys_are_recognised()
    {
        Assert.True(ConfigKeys.IsSeed("seed"));
        Assert.True(ConfigKeys.IsSeed("data_seed"));
        Assert.True(ConfigKeys.IsSeed("trainer.seed"));
        Assert.True(ConfigKeys.IsSeed("random_state"));
        Assert.False(ConfigKeys.IsSeed("learning_rate"));
        Assert.True(ConfigKeys.IsBookkeeping("output_dir"));
        Assert.True(ConfigKeys.IsBookkeeping("tags.mlflow.source.name"));
        Assert.True(ConfigKeys.IsSetting("warmup_steps"));
    }
}

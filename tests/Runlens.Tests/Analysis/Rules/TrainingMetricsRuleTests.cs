using Runlens.Analysis;
using Runlens.Analysis.Diagnoses;
using Runlens.Analysis.Findings;
using Runlens.Analysis.Rules;
using Runlens.Analysis.Rules.DataAndLabels;
using Runlens.Analysis.Rules.LearningDynamics;
using Runlens.Analysis.Rules.Optimisation;
using Runlens.Import;
using Runlens.Model;
using Runlens.Tests.Support;

namespace Runlens.Tests.Analysis.Rules;

/// <summary>
/// The logged training-health signals judged by the ranges of the training-metrics reference (RL0207 loss-std, RL0208
/// grad-norm-std, RL0309 prediction-entropy, RL0310 group-consistency, RL0311 top-k-gap, RL0312 dataset-gap, RL0109
/// stop-criteria), and its named patterns as
/// root causes, on made-up replicas of each pattern (tests/fixtures/seed-001-replicas, SOURCE.md) and on synthetic series
/// whose values are the reference's own.
/// </summary>
public sealed class TrainingMetricsRuleTests : RuleTestBase
{
    private static readonly string[] NewRules = ["loss-std", "grad-norm-std", "prediction-entropy", "group-consistency", "top-k-gap", "dataset-gap", "stop-criteria"];

    private static async Task<Diagnosis> Replica(string name)
    {
        var run = Assert.Single((await ImporterCatalog.ImportAsync(Fixtures.Test("seed-001-replicas/" + name))).Runs);
        var d = new Diagnoser().Diagnose(run);
        Assert.Empty(d.Coverage.RuleErrors);
        EvidenceAudit.Check(d.Findings, run);
        return d;
    }

    /// <summary>One value per epoch (no epochs logged: each log is one epoch).</summary>
    private static RunBuilder PerEpoch(string key, params double[] values) => new RunBuilder().Series(key, 100, values);

    [Fact]
    public async Task The_healthy_replica_gets_no_finding_from_the_new_rules_and_no_root_cause()
    {
        var d = await Replica("healthy");
        Assert.DoesNotContain(d.Findings, f => NewRules.Contains(f.Rule));
        Assert.All(NewRules.Where(r => r != "stop-criteria"), r => Assert.Contains(r, d.Coverage.RulesRun));
        Assert.Empty(d.RootCauses);
        Assert.Equal(DiagnosisStatus.Healthy, d.Summary.Status);
    }

    [Fact]
    public async Task The_mislabelled_data_replica_is_rooted_in_the_labels_not_the_learning_rate()
    {
        var d = await Replica("mislabelled-data");
        var std = Assert.Single(d.Findings, f => f.Rule == "loss-std");
        var e = EvidenceOf<LossStdEvidence>(std);
        Assert.Equal("never-settles", e.Level);
        Assert.True(e.MinValue >= 0.5 && e.LastEpoch >= 10);
        Assert.Equal((0.05, 0.2), (e.ExpectedLow, e.ExpectedHigh)); // epochs 15+
        var grad = EvidenceOf<GradNormStdEvidence>(Assert.Single(d.Findings, f => f.Rule == "grad-norm-std"));
        Assert.Equal("concerning", grad.Level);
        Assert.Equal(0.5, grad.ClipValue);
        Assert.Contains(d.Findings, f => f.Rule == "clipping-saturation");

        var first = d.RootCauses[0];
        Assert.Equal("label-noise", first.Id);
        Assert.Equal("loss-std", first.Rules[0]);
        Assert.Contains("grad-norm-std", first.Rules);
        Assert.DoesNotContain(d.RootCauses, c => c.Id is "lr-too-high" or "unstable-gradients");

        // One source (CORAAL) 24.5 points below the mean of the other two: the reference's "one dataset > 20% below".
        var gap = EvidenceOf<DatasetGapEvidence>(Assert.Single(d.Findings, f => f.Rule == "dataset-gap"));
        Assert.Equal(("CORAAL", 3, "TIMIT"), (gap.Source, gap.Sources, gap.BestSource));
        Assert.Equal(0.245, gap.Gap, 4);
        Assert.Contains(d.RootCauses, c => c.Id == "slice-gap" && c.Rules.Contains("dataset-gap"));
    }

    [Fact]
    public async Task The_memorising_speakers_replica_is_rooted_in_the_groups()
    {
        var d = await Replica("memorising-speakers");
        var g = EvidenceOf<GroupConsistencyEvidence>(Assert.Single(d.Findings, f => f.Rule == "group-consistency"));
        Assert.True(g.Median > 0.85);
        Assert.Equal(0.125, g.RandomBaseline); // 8 classes
        var h = EvidenceOf<PredictionEntropyEvidence>(Assert.Single(d.Findings, f => f.Rule == "prediction-entropy"));
        Assert.Equal("overconfident", h.Level);
        Assert.Equal(8, h.Classes);
        Assert.True(h.Accuracy < 0.6);

        var first = d.RootCauses[0];
        Assert.Equal("memorising-groups", first.Id);
        Assert.Equal("group-consistency", first.Rules[0]);
        Assert.Contains("prediction-entropy", first.Rules);
        // The loss rises while macro-F1 stopped improving half-way and the training loss falls 0.62 → 0.05: overfitting,
        // the same memorisation (metric-disagreement stands down).
        Assert.Contains("overfitting", first.Rules);
        Assert.Single(d.RootCauses);
    }

    [Fact]
    public async Task The_insufficient_capacity_replica_is_rooted_in_the_model_size()
    {
        var d = await Replica("insufficient-capacity");
        var h = EvidenceOf<PredictionEntropyEvidence>(Assert.Single(d.Findings, f => f.Rule == "prediction-entropy"));
        Assert.Equal("uncertain", h.Level);
        Assert.True(h.TrainAccuracy < 0.6 && Math.Abs(h.TrainAccuracy!.Value - h.Accuracy!.Value) < 0.1);
        Assert.Equal("underfitting-capacity", d.RootCauses[0].Id);
        Assert.Equal("prediction-entropy", d.RootCauses[0].Rules[0]);
        Assert.Contains("hidden_dim", d.RootCauses[0].FixFirst!.Action, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_stop_rule_replica_reports_the_first_evaluation_where_all_three_criteria_hold()
    {
        var d = await Replica("stop-rule");
        var f = Assert.Single(d.Findings, f => f.Rule == "stop-criteria");
        var e = EvidenceOf<StopCriteriaEvidence>(f);
        // Validation loss lowest at epoch 8, rising from epoch 9: the third rise is epoch 11; the training spread is under
        // 0.1 from epoch 10, the validation spread above 0.5 from epoch 12 (0.45 until epoch 3, then 0.5 → 0.55 → 0.8).
        Assert.Equal(1200L, e.StopStep);
        Assert.Equal(12.0, e.StopEpoch);
        Assert.Equal(8, e.EvaluationsAfter);
        Assert.True(e.AccuracySpread < 0.005 && e.TrainLossStd < 0.1 && e.ValLossStd > 0.5);
        Assert.Contains(f.Recommendations[0].ConfigChanges, c => c.Key == "early_stopping_patience" && c.To.Number == 3);
        Assert.Equal("overfitting", d.RootCauses[0].Id);
        Assert.Contains("stop-criteria", d.RootCauses[0].Rules);

        foreach (var other in new[] { "healthy", "mislabelled-data", "memorising-speakers", "insufficient-capacity" })
        {
            Assert.DoesNotContain((await Replica(other)).Findings, x => x.Rule == "stop-criteria");
        }
    }

    [Fact]
    public void The_stop_rule_stays_quiet_when_one_criterion_fails()
    {
        // Loss rising three times and accuracy flat, but the validation batches are fitted evenly (val loss_std 0.3).
        double[] val = [1.2, 1.0, 0.9, 0.85, 0.84, 0.86, 0.9, 0.95, 1.0];
        double[] acc = [0.4, 0.55, 0.6, 0.62, 0.621, 0.622, 0.621, 0.622, 0.621];
        Run Build(double valStd) => new RunBuilder()
            .Series("train/loss", 10, RunBuilder.Falling(90, 2, 0.1))
            .Series("val/loss", 100, val).Series("val/accuracy", 100, acc)
            .Series("train/loss_std", 100, [.. Enumerable.Repeat(0.08, 9)])
            .Series("val/loss_std", 100, [.. Enumerable.Repeat(valStd, 9)]).Build();
        Assert.Empty(Findings(Build(0.3), "stop-criteria"));
        var f = Assert.Single(Findings(Build(0.7), "stop-criteria"));
        Assert.Equal(800L, EvidenceOf<StopCriteriaEvidence>(f).StopStep); // rises at 6, 7, 8 (steps 600–800) with 5 flat evaluations
    }

    [Fact]
    public void Loss_std_is_judged_by_the_range_of_its_epoch()
    {
        // Healthy: 0.6 → 0.15 → 0.08 over 20 epochs (within 0.3–0.8, 0.1–0.3, 0.05–0.2).
        double[] healthy = [0.7, 0.6, 0.5, 0.42, 0.35, 0.3, 0.26, 0.22, 0.19, 0.16, 0.15, 0.14, 0.13, 0.12, 0.11, 0.1, 0.09, 0.09, 0.08, 0.08];
        Assert.Empty(Findings(PerEpoch("train/loss_std", healthy).Build(), "loss-std"));

        // Severe: above 1.0 consistently after epoch 5.
        double[] severe = [1.4, 1.3, 1.25, 1.2, 1.2, 1.15, 1.1, 1.12, 1.1, 1.08, 1.1, 1.09];
        var f = Assert.Single(Findings(PerEpoch("train/loss_std", severe).Build(), "loss-std"));
        var e = EvidenceOf<LossStdEvidence>(f);
        Assert.Equal("severe", e.Level);
        Assert.True(e.EpochsFromLogIndex);
        Assert.Equal(600L, e.FirstStep); // epoch 6, the first after epoch 5
        Assert.Equal((0.1, 0.3), (e.ExpectedLow, e.ExpectedHigh)); // epoch 12
        Assert.Equal(Severity.Warning, f.Severity);

        // Not yet judged: 0.6 throughout but only 8 epochs (never below 0.5 is judged from epoch 10).
        Assert.Empty(Findings(PerEpoch("train/loss_std", [.. Enumerable.Repeat(0.6, 8)]).Build(), "loss-std"));
        Assert.Equal("never-settles", EvidenceOf<LossStdEvidence>(Assert.Single(Findings(PerEpoch("train/loss_std", [.. Enumerable.Repeat(0.6, 12)]).Build(), "loss-std"))).Level);
    }

    [Fact]
    public void Loss_std_reports_a_rising_spread_and_spikes()
    {
        double[] rising = [0.6, 0.45, 0.35, 0.28, 0.22, 0.16, 0.14, 0.15, 0.18, 0.2, 0.24, 0.27, 0.3, 0.34, 0.38];
        var r = EvidenceOf<LossStdEvidence>(Assert.Single(Findings(PerEpoch("train/loss_std", rising).Build(), "loss-std")));
        Assert.Equal("rising", r.Level);
        Assert.Equal(0.14, r.ValueBefore);

        // 0.2 → 1.5 twice (a batch of mislabelled samples), otherwise healthy.
        double[] spiky = [0.6, 0.5, 0.4, 0.3, 0.25, 0.2, 0.2, 1.5, 0.2, 0.18, 0.17, 1.5, 0.16, 0.15];
        var s = Assert.Single(Findings(PerEpoch("train/loss_std", spiky).Build(), "loss-std"));
        Assert.Equal("spike", EvidenceOf<LossStdEvidence>(s).Level);
        Assert.Equal(Severity.Warning, s.Severity);
        Assert.Equal(800L, EvidenceOf<LossStdEvidence>(s).FirstStep);
    }

    [Fact]
    public void Grad_norm_std_is_a_warning_above_0_3_an_error_above_0_5_and_ignores_large_steady_norms()
    {
        var run = new RunBuilder().Series("train/grad_norm_std", 100, [0.6, 0.12, 0.1, 0.08, 0.09, 0.1, 0.08]).Build();
        Assert.Empty(Findings(run, "grad-norm-std")); // an early spike, then healthy

        var critical = Assert.Single(Findings(new RunBuilder().Series("train/grad_norm_std", 100, [0.4, 0.55, 0.6, 0.7, 0.58, 0.62]).Config("learning_rate", 1e-4).Build(), "grad-norm-std"));
        Assert.Equal(Severity.Error, critical.Severity);
        Assert.Contains(critical.Recommendations, r => r.ConfigChanges.Any(c => c.Key == "learning_rate" && Math.Abs(c.To.Number - 5e-5) < 1e-12));

        var steady = new RunBuilder().Series("train/grad_norm_std", 100, [0.4, 0.4, 0.4, 0.4, 0.4])
            .Series("train/grad_norm", 20, [.. Enumerable.Repeat(30.0, 25)]).Build();
        Assert.Empty(Findings(steady, "grad-norm-std"));
    }

    [Fact]
    public void Prediction_entropy_ranges_scale_with_the_number_of_classes()
    {
        double[] falling = [2.0, 1.6, 1.2, 0.9, 0.6, 0.4, 0.3, 0.2, 0.16, 0.15];
        var eight = PerEpoch("val/avg_entropy", falling).Series("val/accuracy", 100, [0.2, 0.25, 0.3, 0.33, 0.35, 0.36, 0.37, 0.38, 0.38, 0.38]);
        var f = Assert.Single(Findings(eight.Build(), "prediction-entropy"));
        Assert.Equal("overconfident", EvidenceOf<PredictionEntropyEvidence>(f).Level);
        Assert.Contains("8 classes assumed", f.Title, StringComparison.Ordinal);
        Assert.Equal(0.8, f.Confidence); // at 38% accuracy

        // Two classes: a uniform guess is ln 2 = 0.69 nats, so the overfit level is 0.2 × ln 2 / ln 8 = 0.067; 0.15 is fine.
        var two = PerEpoch("val/avg_entropy", [0.69, 0.5, 0.4, 0.3, 0.2, 0.16, 0.15]).Config("num_labels", 2).Build();
        Assert.Empty(Findings(two, "prediction-entropy"));

        // Still 1.8 after 12 epochs with 8 classes: unsure.
        var unsure = PerEpoch("val/avg_entropy", [2.05, 1.95, 1.9, 1.87, 1.85, 1.83, 1.82, 1.81, 1.8, 1.8, 1.8, 1.8]).Config("num_labels", 8).Build();
        Assert.Equal("uncertain", EvidenceOf<PredictionEntropyEvidence>(Assert.Single(Findings(unsure, "prediction-entropy"))).Level);
        // The same after 6 epochs is the early stage, not a problem.
        Assert.Empty(Findings(PerEpoch("val/avg_entropy", [2.05, 1.95, 1.9, 1.87, 1.85, 1.83]).Build(), "prediction-entropy"));
    }

    [Fact]
    public void Group_consistency_fires_above_85_percent_only()
    {
        Assert.Empty(Findings(PerEpoch("val/speaker_consistency", [0.3, 0.5, 0.6, 0.65, 0.7]).Build(), "group-consistency"));
        var f = Assert.Single(Findings(PerEpoch("val/speaker_consistency", [0.5, 0.7, 0.88, 0.9, 0.92]).Series("val/accuracy", 100, [0.3, 0.35, 0.37, 0.38, 0.38]).Build(), "group-consistency"));
        var e = EvidenceOf<GroupConsistencyEvidence>(f);
        Assert.Equal(0.9, e.Median);
        Assert.Equal(0.85, f.Confidence); // consistent and wrong
    }

    [Fact]
    public void Top_k_gap_fires_when_top_2_is_more_than_30_points_above_top_1()
    {
        Run Build(double top2) => new RunBuilder().Series("val/accuracy", 100, [0.3, 0.4, 0.45])
            .Series("val/top2_accuracy", 100, [0.5, 0.6, top2]).Build();
        Assert.Empty(Findings(Build(0.65), "top-k-gap")); // 20 points: usual
        var e = EvidenceOf<TopKGapEvidence>(Assert.Single(Findings(Build(0.82), "top-k-gap")));
        Assert.Equal((300L, 0.82, 0.45), (e.Step, e.TopKAccuracy, e.Accuracy));
        Assert.Equal(0.37, e.Gap, 10);
    }

    [Fact]
    public void Dataset_gap_compares_the_worst_source_with_the_mean_of_the_others()
    {
        Run Build(double worst) => new RunBuilder()
            .Series("val/per_dataset_accuracy/TIMIT", 100, [0.5, 0.7])
            .Series("val/per_dataset_accuracy/CommonVoice", 100, [0.45, 0.6])
            .Series("val/per_dataset_accuracy/CORAAL", 100, [0.3, worst]).Build();
        Assert.Empty(Findings(Build(0.5), "dataset-gap")); // 15 points below 0.65
        var e = EvidenceOf<DatasetGapEvidence>(Assert.Single(Findings(Build(0.4), "dataset-gap")));
        Assert.Equal(("CORAAL", 0.4), (e.Source, e.Accuracy));
        Assert.Equal(0.65, e.OthersMean, 10);
    }

    [Fact]
    public void Rules_over_signals_the_run_does_not_log_neither_run_nor_count_as_missing()
    {
        var run = new RunBuilder().Series("train/loss", 10, RunBuilder.Falling(100, 2, 0.5)).Series("val/loss", 100, [1.5, 1.2, 1.0, 0.95, 0.9]).Build();
        var d = new Diagnoser().Diagnose(run);
        var without = new Diagnoser(rules: RuleCatalog.All.Where(r => !NewRules.Contains(r.Descriptor.Slug))).Diagnose(run);
        Assert.DoesNotContain(d.Coverage.RulesRun, NewRules.Contains);
        Assert.DoesNotContain(d.Coverage.Missing.SelectMany(m => m.Blocks), NewRules.Contains);
        Assert.Equal(without.Coverage.Score, d.Coverage.Score);
        Assert.Equal(without.Findings.Select(f => f.Title), d.Findings.Select(f => f.Title));
    }

    [Fact]
    public void The_vocabulary_reads_the_signals_under_the_names_trainers_log()
    {
        var run = new RunBuilder()
            .Series(MetricNames.Normalize("loss_std"), [100L, 200L], [0.5, 0.4], original: "loss_std")
            .Series(MetricNames.Normalize("eval_avg_entropy"), [100L, 200L], [1.9, 1.5], original: "eval_avg_entropy")
            .Series(MetricNames.Normalize("eval_speaker_consistency"), [100L, 200L], [0.5, 0.6], original: "eval_speaker_consistency")
            .Series(MetricNames.Normalize("val/top2_accuracy"), 100, [0.5, 0.6])
            .Series(MetricNames.Normalize("val/per_dataset_accuracy/TIMIT"), 100, [0.5, 0.6])
            .Series(MetricNames.Normalize("val/per_dataset_accuracy/CORAAL"), 100, [0.4, 0.5])
            .Series("learning/improvement_rate", 100, [0.03, 0.02])
            .Series(MetricNames.Normalize("train/grad_norm_std"), 100, [0.1, 0.1]).Build();
        var v = new TrainerVocabulary(run);
        Assert.Equal("train/loss_std", v.LossStd("train")!.Key);
        Assert.Null(v.LossStd("val"));
        Assert.Equal("val/avg_entropy", v.PredictionEntropy!.Key);
        Assert.Equal("val/speaker_consistency", v.GroupConsistency!.Key);
        Assert.Equal("val/top2_accuracy", v.TopKAccuracy(2)!.Key);
        Assert.Equal("train/grad_norm_std", v.GradNormStd!.Key);
        Assert.Equal("learning/improvement_rate", v.ImprovementRate!.Key);
        Assert.Equal(["CORAAL", "TIMIT"], v.PerSourceAccuracy().Select(p => p.Source).ToArray());
    }
}

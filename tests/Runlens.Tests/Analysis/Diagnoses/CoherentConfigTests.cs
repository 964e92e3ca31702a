using System.Collections.Immutable;
using Runlens.Analysis;
using Runlens.Analysis.Diagnoses;
using Runlens.Analysis.Findings;
using Runlens.Model;
using Runlens.Tests.Support;

namespace Runlens.Tests.Analysis.Diagnoses;

public sealed class CoherentConfigTests
{
    private static RunBuilder Hf() => new RunBuilder()
        .Config("num_train_epochs", 10)
        .Config("per_device_train_batch_size", 8)
        .Series("train/loss", 50, RunBuilder.Falling(40, 1.2, 0.05, 0.02));

    [Fact]
    public void The_merged_config_has_one_value_per_key_and_no_change_to_the_value_a_key_already_has()
    {
        var run = Hf()
            .Series("val/loss", 200, 0.60, 0.45, 0.41, 0.44, 0.49, 0.55, 0.60, 0.66, 0.70, 0.74)
            .Series("val/accuracy", 200, 0.78, 0.83, 0.85, 0.86, 0.87, 0.875, 0.88, 0.885, 0.887, 0.889)
            .Build();
        var d = new Diagnoser().Diagnose(run);
        Assert.NotEmpty(d.ConfigChanges);
        Assert.Equal(d.ConfigChanges.Length, d.ConfigChanges.Select(c => c.Key).Distinct().Count());
        Assert.DoesNotContain(d.ConfigChanges, TrainerVocabulary.IsNoOp);
        Assert.DoesNotContain(d.Findings.SelectMany(f => f.Recommendations).SelectMany(r => r.ConfigChanges), TrainerVocabulary.IsNoOp);
    }

    [Fact]
    public void The_metric_to_keep_the_best_by_and_its_direction_come_from_the_first_root_cause()
    {
        var run = Hf()
            .Series("val/loss", 200, 0.60, 0.45, 0.41, 0.44, 0.49, 0.55, 0.60, 0.66, 0.70, 0.74)
            .Series("val/accuracy", 200, 0.78, 0.83, 0.85, 0.86, 0.87, 0.875, 0.88, 0.885, 0.887, 0.889)
            .Build();
        var d = new Diagnoser().Diagnose(run);
        var lead = d.RootCauses[0];
        var fromLead = d.Findings.Where(f => lead.Rules.Contains(f.Rule)).SelectMany(f => f.Recommendations)
            .FirstOrDefault(r => r.ConfigChanges.Any(c => c.Key == "metric_for_best_model"));
        var metric = Assert.Single(d.ConfigChanges, c => c.Key == "metric_for_best_model");
        var direction = Assert.Single(d.ConfigChanges, c => c.Key == "greater_is_better");
        if (fromLead is not null)
        {
            Assert.Equal(fromLead.ConfigChanges.Single(c => c.Key == "metric_for_best_model").To, metric.To);
        }

        // accuracy is kept by its maximum, a loss by its minimum: never a loss with greater_is_better true
        Assert.Equal(metric.To.Text.Contains("loss", StringComparison.Ordinal), !direction.To.Boolean);
    }

    [Fact]
    public void A_change_that_sets_a_key_to_the_value_it_has_is_a_no_op()
    {
        Assert.True(TrainerVocabulary.IsNoOp(new ConfigChange("num_train_epochs", ConfigValue.Of(1), ConfigValue.Of(1))));
        Assert.True(TrainerVocabulary.IsNoOp(new ConfigChange("load_best_model_at_end", ConfigValue.Of(true), ConfigValue.Of(true))));
        Assert.True(TrainerVocabulary.IsNoOp(new ConfigChange("num_train_epochs", ConfigValue.Parse("1"), ConfigValue.Of(1.0))));
        Assert.False(TrainerVocabulary.IsNoOp(new ConfigChange("num_train_epochs", ConfigValue.Of(1), ConfigValue.Of(2))));
        Assert.False(TrainerVocabulary.IsNoOp(new ConfigChange("warmup_ratio", null, ConfigValue.Of(0.1))));
        Assert.False(TrainerVocabulary.IsNoOp(new ConfigChange("load_best_model_at_end", ConfigValue.Of(false), ConfigValue.Of(true))));
    }

    [Fact]
    public void Each_key_says_where_the_trainer_takes_it()
    {
        var hf = new TrainerVocabulary(Hf().Build());
        Assert.Equal("TrainingArguments", hf.Destination("learning_rate"));
        Assert.Equal("EarlyStoppingCallback", hf.Destination("early_stopping_patience"));
        var keras = new TrainerVocabulary(new RunBuilder("keras-csvlogger").Config("epochs", 10).Build());
        Assert.Equal("EarlyStopping", keras.Destination("EarlyStopping.patience"));
    }

    [Fact]
    public void A_logged_learning_rate_that_climbs_to_its_peak_is_a_warmup_and_a_constant_one_is_not()
    {
        var warm = new RunBuilder().Series("train/learning_rate", 10, 1e-5, 2e-5, 4e-5, 6e-5, 8e-5, 1e-4, 9e-5, 8e-5, 7e-5).Build();
        Assert.True(new TrainerVocabulary(warm).HasWarmup);
        var flat = new RunBuilder().Series("train/learning_rate", 10, 1e-4, 1e-4, 1e-4, 1e-4, 9e-5, 8e-5).Build();
        Assert.False(new TrainerVocabulary(flat).HasWarmup);
        var configured = new RunBuilder().Config("warmup_ratio", 0.1).Build();
        Assert.True(new TrainerVocabulary(configured).HasWarmup);
    }

    [Fact]
    public void The_config_block_groups_the_changes_by_where_the_trainer_takes_them()
    {
        ImmutableArray<ConfigChange> changes =
        [
            new ConfigChange("early_stopping_patience", null, ConfigValue.Of(3)) { Destination = "EarlyStoppingCallback" },
            new ConfigChange("EarlyStopping.patience", null, ConfigValue.Of(3)) { Destination = "EarlyStopping" },
            new ConfigChange("learning_rate", ConfigValue.Of(1e-4), ConfigValue.Of(5e-5)) { Destination = "TrainingArguments" },
        ];
        var text = Runlens.Reports.EvidenceText.ChangesJson(changes);
        using var doc = System.Text.Json.JsonDocument.Parse(text);
        Assert.Equal(3, doc.RootElement.GetProperty("EarlyStoppingCallback").GetProperty("early_stopping_patience").GetProperty("to").GetInt32());
        Assert.Equal(3, doc.RootElement.GetProperty("EarlyStopping").GetProperty("patience").GetProperty("to").GetInt32());
        Assert.Equal(5e-5, doc.RootElement.GetProperty("TrainingArguments").GetProperty("learning_rate").GetProperty("to").GetDouble());
    }

    [Fact]
    public void A_run_that_ends_far_worse_than_its_best_is_not_headlined_healthy()
    {
        // No rule speaks (as when a truncated log leaves the rules nothing to judge); WER ends 67% worse than its best.
        var run = new RunBuilder().Series("val/wer", 1000, 0.50, 0.30, 0.52, 0.31, 0.49, 0.30, 0.50).Build();
        var d = new Diagnoser(rules: []).Diagnose(run);
        Assert.Empty(d.Findings);
        Assert.Equal(DiagnosisStatus.Warning, d.Summary.Status);
        Assert.StartsWith("The final val/wer 0.5 (step 7,000) is 67% worse than its best 0.3 at step 2,000", d.Summary.Headline, StringComparison.Ordinal);

        var fine = new Diagnoser(rules: []).Diagnose(new RunBuilder().Series("val/wer", 1000, 0.30, 0.29, 0.31).Build());
        Assert.Equal(DiagnosisStatus.Healthy, fine.Summary.Status);
    }
}

using Runlens.Import.Core;
using System.Text;
using Runlens.Import;
using Runlens.Import.HfTrainer;
using Runlens.Model;
using Runlens.Tests.Support;

namespace Runlens.Tests.Import.HfTrainer;

public sealed class HfTrainerEdgeCaseTests
{
    private const string Header = """
        {
          "best_metric": null,
          "epoch": 1.0,
          "global_step": 30,
          "log_history": [

        """;

    private readonly HfTrainerImporter _importer = new();

    private async Task<Run> ImportTextAsync(TempDir tmp, string json, string relative = "run/trainer_state.json")
    {
        var file = tmp.File(relative);
        await File.WriteAllTextAsync(file, json);
        return Assert.Single((await _importer.ImportAsync(file, ImportContext.None)).Runs);
    }

    [Fact]
    public async Task Keeps_NaN_and_infinity_tokens_as_Python_writes_them()
    {
        using var tmp = new TempDir();
        var run = await ImportTextAsync(tmp, Header + """
                {"epoch": 0.1, "grad_norm": NaN, "learning_rate": 1e-05, "loss": Infinity, "step": 10},
                {"epoch": 0.2, "grad_norm": 1.5, "learning_rate": 1e-05, "loss": -Infinity, "step": 20},
                {"epoch": 0.3, "eval_loss": NaN, "eval_note": "NaN", "step": 30}
              ],
              "max_steps": 30
            }
            """);

        Assert.Empty(run.Events);
        Assert.Equal([double.PositiveInfinity, double.NegativeInfinity], run.Get(MetricNames.TrainLoss)!.Values());
        Assert.True(double.IsNaN(run.Get(MetricNames.GradNorm)!.First.Value));
        Assert.Equal(1.5, run.Get(MetricNames.GradNorm)!.Last.Value);
        Assert.True(double.IsNaN(run.Get(MetricNames.ValLoss)!.First.Value));
        Assert.False(run.Has("val/note")); // a string "NaN" is text, not a number
        Assert.Equal(30, run.Trainer.MaxSteps);
    }

    [Fact]
    public async Task Keeps_the_complete_entries_of_a_truncated_file_and_reports_where_it_broke()
    {
        using var tmp = new TempDir();
        var json = Header + """
                {"epoch": 0.1, "loss": 2.5, "step": 10},
                {"epoch": 0.2, "loss": 2.0, "step": 20},
                {"epoch": 0.3, "loss": 1.
            """;
        var run = await ImportTextAsync(tmp, json);

        Assert.Equal([2.5, 2.0], run.Get(MetricNames.TrainLoss)!.Values());
        var damage = Assert.Single(run.Events);
        Assert.Equal(RunEventKind.ImportDamage, damage.Kind);
        Assert.EndsWith("trainer_state.json", damage.File, StringComparison.Ordinal);
        Assert.StartsWith("offset ", damage.Location, StringComparison.Ordinal);
        Assert.Contains("line 8", damage.Location, StringComparison.Ordinal);
        Assert.Contains("2 log entries", damage.Message, StringComparison.Ordinal);
        Assert.Equal(30, run.Trainer.GlobalStep);
        Assert.Equal(RunStatus.Unknown, run.Status);
    }

    [Fact]
    public async Task Ignores_values_of_the_wrong_type()
    {
        using var tmp = new TempDir();
        var run = await ImportTextAsync(tmp, """
            {
              "global_step": "30",
              "epoch": [1],
              "max_steps": 30.0,
              "best_metric": "high",
              "best_model_checkpoint": 7,
              "stateful_callbacks": {"EarlyStoppingCallback": {"args": {"early_stopping_patience": "3"}, "attributes": {"early_stopping_patience_counter": 1}}},
              "log_history": [
                {"epoch": 0.1, "loss": "2.5", "grad_norm": true, "learning_rate": null, "step": 10},
                {"epoch": "x", "loss": 2.0, "extra": {"a": 1}, "list": [1, 2], "step": "20"},
                7,
                "text",
                {"loss": 1.5, "step": 30.0}
              ]
            }
            """);

        Assert.Empty(run.Events);
        var loss = run.Get(MetricNames.TrainLoss)!;
        Assert.Equal([2.0, 1.5], loss.Values());
        Assert.Equal([10L, 30], loss.Steps()); // the entry without a usable step keeps the last step seen
        Assert.True(double.IsNaN(loss.First.Epoch));
        Assert.False(run.Has(MetricNames.GradNorm));
        Assert.False(run.Has(MetricNames.LearningRate));
        Assert.Null(run.Trainer.GlobalStep);
        Assert.Null(run.Trainer.Epoch);
        Assert.Equal(30, run.Trainer.MaxSteps);
        Assert.Null(run.Trainer.BestMetric);
        Assert.Null(run.Trainer.BestCheckpoint);
        Assert.Equal(new EarlyStoppingState(null, null, 1), run.Trainer.EarlyStopping);
    }

    [Fact]
    public async Task Keeps_huge_values_and_reads_overflow_as_infinity()
    {
        using var tmp = new TempDir();
        var run = await ImportTextAsync(tmp, Header + """
                {"grad_norm": 1e308, "loss": -1e308, "learning_rate": 4.9e-324, "step": 10},
                {"grad_norm": 1e309, "loss": -1e400, "learning_rate": 0, "step": 20}
              ]
            }
            """);

        Assert.Equal([1e308, double.PositiveInfinity], run.Get(MetricNames.GradNorm)!.Values());
        Assert.Equal([-1e308, double.NegativeInfinity], run.Get(MetricNames.TrainLoss)!.Values());
        Assert.Equal(double.Epsilon, run.Get(MetricNames.LearningRate)!.First.Value);
    }

    [Fact]
    public async Task Puts_the_closing_summary_entry_in_the_summary_not_in_a_series()
    {
        using var tmp = new TempDir();
        var run = await ImportTextAsync(tmp, Header + """
                {"epoch": 0.5, "loss": 2.0, "step": 15},
                {"epoch": 1.0, "step": 30, "total_flos": 1.5e15, "train_loss": 1.75, "train_runtime": 12.5, "train_samples_per_second": 8.0}
              ],
              "max_steps": 30
            }
            """);

        Assert.Single(run.Series);
        Assert.Equal(1.75, run.Summary["train_loss"]);
        Assert.Equal(12.5, run.Summary["train_runtime"]);
        Assert.Equal(1.5e15, run.Summary["total_flos"]);
        Assert.False(run.Summary.ContainsKey("step"));
        Assert.Equal(RunStatus.Finished, run.Status);
    }

    [Fact]
    public async Task Lists_checkpoints_of_an_output_folder_and_reads_the_newest_state()
    {
        using var tmp = new TempDir();
        var output = Path.Combine(tmp.Path, "out");
        await File.WriteAllTextAsync(tmp.File("out/checkpoint-500/trainer_state.json"), State(500, 0.9));
        await File.WriteAllTextAsync(tmp.File("out/checkpoint-1000/trainer_state.json"), State(1000, 0.7));
        await File.WriteAllTextAsync(tmp.File("out/checkpoint-1000/config.json"), """{"model_type": "bert", "id2label": {"0": "a", "1": "b"}}""");
        await File.WriteAllTextAsync(tmp.File("out/checkpoint-500/config.json"), """{"model_type": "old"}""");
        await File.WriteAllTextAsync(tmp.File("out/all_results.json"), """{"epoch": 2.0, "eval_loss": NaN, "eval_samples": 100, "train_samples": 800}""");
        await File.WriteAllTextAsync(tmp.File("out/eval_results.json"), """{"eval_loss": 0.7, "eval_samples": 100}""");
        Directory.CreateDirectory(Path.Combine(output, "checkpoint-x"));
        Directory.CreateDirectory(Path.Combine(output, "runs"));

        Assert.Equal(90, _importer.Detect(output));
        var run = Assert.Single((await _importer.ImportAsync(output, ImportContext.None)).Runs);

        Assert.Equal("out", run.Identity.Name);
        Assert.Equal([500L, 1000], run.Checkpoints.Select(c => c.Step));
        Assert.Equal(Path.Combine(output, "checkpoint-1000"), run.Checkpoints[1].Path);
        Assert.Equal(1000, run.Trainer.GlobalStep);
        Assert.Equal(1000, run.Trainer.BestStep);
        Assert.Equal("val/loss", run.Trainer.BestMetricKey);
        Assert.False(run.Trainer.GreaterIsBetter);
        Assert.Equal("bert", run.Config.Get("model.model_type")!.Value.Text);
        Assert.Equal(2, run.Config.Number("model.num_labels"));
        Assert.Equal(0.7, run.Summary["eval_loss"]); // eval_results.json is read after all_results.json
        Assert.Equal(800, run.Dataset.TrainExamples);
        Assert.Equal(100, run.Dataset.EvalExamples);

        // a top-level trainer_state.json is the newest state
        await File.WriteAllTextAsync(tmp.File("out/trainer_state.json"), State(1200, 0.7));
        run = Assert.Single((await _importer.ImportAsync(output, ImportContext.None)).Runs);
        Assert.Equal(1200, run.Trainer.GlobalStep);

        // a checkpoint folder on its own is named after its output folder
        run = Assert.Single((await _importer.ImportAsync(Path.Combine(output, "checkpoint-500"), ImportContext.None)).Runs);
        Assert.Equal("out", run.Identity.Name);
        Assert.Equal(500, run.Trainer.GlobalStep);
        Assert.Equal("old", run.Config.Get("model.model_type")!.Value.Text);
        Assert.Equal(500, Assert.Single(run.Checkpoints).Step);
    }

    [Fact]
    public async Task Reports_an_early_stop_when_the_counter_reached_the_patience()
    {
        using var tmp = new TempDir();
        var run = await ImportTextAsync(tmp, """
            {"global_step": 40, "max_steps": 100, "log_history": [],
             "stateful_callbacks": {"EarlyStoppingCallback": [{"args": {"early_stopping_patience": 2, "early_stopping_threshold": 0.01},
                                                               "attributes": {"early_stopping_patience_counter": 2}}],
                                    "TrainerControl": {"args": {"should_training_stop": true}, "attributes": {}}}}
            """);

        Assert.Equal(new EarlyStoppingState(2, 0.01, 2), run.Trainer.EarlyStopping);
        var stop = Assert.Single(run.Events);
        Assert.Equal(RunEventKind.EarlyStop, stop.Kind);
        Assert.Equal(40, stop.Step);
        Assert.Equal(RunStatus.Finished, run.Status);
    }

    [Fact]
    public async Task Leaves_the_best_metric_key_open_when_two_evals_match_it()
    {
        using var tmp = new TempDir();
        var run = await ImportTextAsync(tmp, """
            {"best_metric": 0.5, "best_model_checkpoint": "out/checkpoint-20", "global_step": 20, "log_history": [
              {"eval_accuracy": 0.4, "eval_f1": 0.3, "step": 10},
              {"eval_accuracy": 0.5, "eval_f1": 0.5, "step": 20}]}
            """);

        Assert.Equal(20, run.Trainer.BestStep);
        Assert.Null(run.Trainer.BestMetricKey);
        Assert.Null(run.Trainer.GreaterIsBetter);
    }

    [Fact]
    public async Task Names_the_file_and_cause_for_unusable_input()
    {
        using var tmp = new TempDir();
        foreach (var (text, cause) in new[] { ("", "invalid JSON"), ("[1, 2]", "not a JSON object"), ("\u0001\u00ff garbage", "invalid JSON"), ("{\"glo", "invalid JSON") })
        {
            var file = tmp.File("trainer_state.json");
            await File.WriteAllTextAsync(file, text, Encoding.Latin1);
            var ex = await Assert.ThrowsAsync<RunImportException>(() => _importer.ImportAsync(file, ImportContext.None));
            Assert.Equal(file, ex.File);
            Assert.StartsWith(cause, ex.Cause, StringComparison.Ordinal);
            Assert.StartsWith("offset ", ex.Location, StringComparison.Ordinal);
        }

        var random = new byte[4096];
        new Random(7).NextBytes(random);
        var garbage = tmp.File("g/trainer_state.json");
        await File.WriteAllBytesAsync(garbage, random);
        await Assert.ThrowsAsync<RunImportException>(() => _importer.ImportAsync(garbage, ImportContext.None));

        var empty = Path.Combine(tmp.Path, "empty");
        Directory.CreateDirectory(empty);
        Assert.Equal(0, _importer.Detect(empty));
        var none = await Assert.ThrowsAsync<RunImportException>(() => _importer.ImportAsync(empty, ImportContext.None));
        Assert.Contains("no trainer_state.json", none.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reports_a_damaged_side_file_and_keeps_the_run()
    {
        using var tmp = new TempDir();
        await File.WriteAllTextAsync(tmp.File("out/config.json"), """{"model_type": "bert", "hidden_size": 76""");
        var run = await ImportTextAsync(tmp, """{"global_step": 3, "log_history": [{"loss": 1.0, "step": 1}]}""", "out/trainer_state.json");

        Assert.Equal("bert", run.Config.Get("model.model_type")!.Value.Text);
        var damage = Assert.Single(run.Events);
        Assert.Equal(RunEventKind.ImportDamage, damage.Kind);
        Assert.EndsWith("config.json", damage.File, StringComparison.Ordinal);
        Assert.Equal(1, run.Get(MetricNames.TrainLoss)!.Count);
    }

    [Fact]
    public async Task Detects_by_name_and_by_content()
    {
        using var tmp = new TempDir();
        var renamed = tmp.File("state-copy.json");
        await File.WriteAllTextAsync(renamed, """{"epoch": 1.0, "global_step": 3, "log_history": []}""");
        var other = tmp.File("other.json");
        await File.WriteAllTextAsync(other, """{"loss": [1, 2]}""");
        var empty = tmp.File("x/trainer_state.json");
        await File.WriteAllTextAsync(empty, "");

        Assert.Equal(60, _importer.Detect(renamed));
        Assert.Equal(0, _importer.Detect(other));
        Assert.Equal(100, _importer.Detect(empty));
        Assert.Equal(90, _importer.Detect(Path.GetDirectoryName(empty)!));
        Assert.Equal(0, _importer.Detect(Path.Combine(tmp.Path, "missing")));
        var run = Assert.Single((await _importer.ImportAsync(renamed, ImportContext.None)).Runs);
        Assert.Equal(3, run.Trainer.GlobalStep);
    }

    [Fact]
    public void Rewrites_non_finite_literals_only_outside_strings_and_keeps_offsets()
    {
        var json = Encoding.UTF8.GetBytes("""{"a": NaN, "b": "NaN \" Infinity", "c": [-Infinity, Infinity], "NaN": 1, "d": NaNx}""");
        var before = json.Length;
        var found = PythonJson.RewriteNonFiniteLiterals(json)!;

        Assert.Equal(before, json.Length);
        Assert.Equal(3, found.Count);
        Assert.Equal("""{"a": "N", "b": "NaN \" Infinity", "c": ["-Infini", "Infini"], "NaN": 1, "d": NaNx}""", Encoding.UTF8.GetString(json));
        Assert.True(double.IsNaN(found[6]));
    }

    private static string State(long step, double evalLoss) => $$"""
        {"best_metric": {{evalLoss}}, "best_model_checkpoint": "out/checkpoint-{{step}}", "global_step": {{step}}, "log_history": [
          {"epoch": 1.0, "loss": 1.0, "step": {{step / 2}}},
          {"epoch": 1.0, "eval_loss": 0.9, "step": {{step / 2}}},
          {"epoch": 2.0, "eval_loss": {{evalLoss}}, "step": {{step}}}]}
        """;
}

using Runlens.Import;
using Runlens.Import.Callback;
using Runlens.Import.Output;
using Runlens.Model;
using Runlens.Tests.Support;

namespace Runlens.Tests.Import.Callback;

/// <summary>The <c>runlens.callback/v1</c> JSON Lines the Python callback writes, read from hand-written files.</summary>
public sealed class CallbackJsonlImporterTests
{
    private const string RunLine =
        """{"type":"run","schema":"runlens.callback/v1","name":"bert-small","started":"2026-03-01T10:00:00+00:00","time":1772359200.0,"config":{"learning_rate":3e-05,"per_device_train_batch_size":16,"fp16":true,"optim":"adamw_torch","report_to":["tensorboard","wandb"],"metric_for_best_model":"f1_macro","greater_is_better":true,"deepspeed":null,"nested":{"a":{"b":2}}},"trainer":{"max_steps":300,"num_train_epochs":3,"logging_steps":10,"eval_steps":100,"save_steps":100,"train_batch_size":16,"world_size":2},"model":{"parameters":109483778,"trainable_parameters":1538,"class":"BertForSequenceClassification"},"datasets":{"train":1600,"eval":400}}""";

    private static async Task<Run> ImportAsync(TempDir tmp, string text, string name = "runlens.jsonl")
    {
        var file = tmp.File(name);
        await File.WriteAllTextAsync(file, text);
        return Assert.Single((await ImporterCatalog.ImportAsync(file)).Runs);
    }

    [Fact]
    public async Task Callback_records_become_series_config_sizes_checkpoints_events_and_status()
    {
        using var tmp = new TempDir();
        var text = string.Join("\n",
            RunLine,
            """{"type":"log","step":10,"epoch":0.1,"time":1772359210.5,"values":{"loss":0.69,"grad_norm":1.25,"learning_rate":3e-05}}""",
            """{"type":"log","step":20,"epoch":0.2,"time":1772359220.5,"values":{"loss":0.61,"grad_norm":"Infinity","learning_rate":2.9e-05}}""",
            """{"type":"log","step":100,"epoch":1.0,"time":1772359300.0,"values":{"eval_loss":0.52,"eval_f1_macro":0.71,"eval_f1_cat":0.8,"eval_f1_dog":0.62,"eval_runtime":3.5}}""",
            """{"type":"checkpoint","step":100,"path":"out/checkpoint-100","time":1772359301.0,"best":"out/checkpoint-100","best_metric":0.71}""",
            """{"type":"log","step":200,"epoch":2.0,"time":1772359400.0,"values":{"eval_loss":0.58,"eval_f1_macro":0.69,"eval_f1_cat":0.79,"eval_f1_dog":0.59,"eval_runtime":3.4}}""",
            """{"type":"checkpoint","step":200,"path":"out/checkpoint-200","time":1772359401.0,"best":"out/checkpoint-100","best_metric":0.71}""",
            """{"type":"event","kind":"note","message":"control a1: stop at step 200: past the best checkpoint","step":200,"time":1772359402.0,"action":{"id":"a1","verb":"stop","reason":"past the best checkpoint"}}""",
            """{"type":"log","step":200,"epoch":2.0,"time":1772359403.0,"values":{"train_runtime":203.0,"train_loss":0.6,"total_flos":12345.0}}""",
            """{"type":"state","global_step":200,"epoch":2.0,"best_metric":0.71,"best_model_checkpoint":"out/checkpoint-100","should_training_stop":true}""",
            """{"type":"status","status":"finished","time":1772359404.0}""") + "\n";
        var run = await ImportAsync(tmp, text);

        Assert.Equal("runlens-callback", run.Identity.Source.Format);
        Assert.Equal("bert-small", run.Identity.Name);
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero), run.Identity.Time.Start);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1772359404000), run.Identity.Time.End);
        Assert.Equal(RunStatus.Finished, run.Status);

        Assert.Equal([new SeriesPoint(10, 0.69, 0.1, 1772359210.5), new SeriesPoint(20, 0.61, 0.2, 1772359220.5)], run.Get(MetricNames.TrainLoss)!.Points.ToArray());
        Assert.Equal([1.25, double.PositiveInfinity], run.Get(MetricNames.GradNorm)!.Values());
        Assert.Equal([3e-05, 2.9e-05], run.Get(MetricNames.LearningRate)!.Values());
        Assert.Equal([0.52, 0.58], run.Get(MetricNames.ValLoss)!.Values());
        Assert.Equal([100L, 200], run.Get(MetricNames.ValLoss)!.Steps());
        Assert.Equal([0.8, 0.79], run.Get("val/f1_cat")!.Values());
        Assert.Equal("eval_f1_dog", run.Get("val/f1_dog")!.OriginalName);
        Assert.False(run.Has("train/train_loss"));
        Assert.Equal(0.6, run.Summary["train_loss"]);
        Assert.Equal(203.0, run.Summary["train_runtime"]);

        Assert.Equal(3e-05, run.Config.Number("learning_rate"));
        Assert.Equal(16, run.Config.Number("per_device_train_batch_size"));
        Assert.True(run.Config.Get("fp16")!.Value.Boolean);
        Assert.Equal("adamw_torch", run.Config.Get("optim")!.Value.Text);
        Assert.Equal("[\"tensorboard\", \"wandb\"]", run.Config.Get("report_to")!.Value.Text); // a list is one JSON text in every format
        Assert.Equal(ConfigValueKind.Null, run.Config.Get("deepspeed")!.Value.Kind);
        Assert.Equal(2, run.Config.Number("nested.a.b"));
        Assert.Equal(2, run.Config.Number("world_size"));
        Assert.Equal(109483778, run.Config.Number("model.parameters"));
        Assert.Equal(1538, run.Config.Number("model.trainable_parameters"));
        Assert.Equal("BertForSequenceClassification", run.Config.Get("model.class")!.Value.Text);
        Assert.Equal(new DatasetStats(1600, 400), run.Dataset);

        Assert.Equal([new Checkpoint(100, "out/checkpoint-100"), new Checkpoint(200, "out/checkpoint-200")], run.Checkpoints.ToArray());
        Assert.Equal(200, run.Trainer.GlobalStep);
        Assert.Equal(2.0, run.Trainer.Epoch);
        Assert.Equal(300, run.Trainer.MaxSteps);
        Assert.Equal(3.0, run.Trainer.NumTrainEpochs);
        Assert.Equal(10, run.Trainer.LoggingSteps);
        Assert.Equal(16, run.Trainer.TrainBatchSize);
        Assert.Equal(0.71, run.Trainer.BestMetric);
        Assert.Equal("out/checkpoint-100", run.Trainer.BestCheckpoint);
        Assert.Equal(100, run.Trainer.BestStep);
        Assert.Equal("val/f1_macro", run.Trainer.BestMetricKey);
        Assert.True(run.Trainer.GreaterIsBetter);
        Assert.True(run.Trainer.ShouldTrainingStop);

        var note = Assert.Single(run.Events);
        Assert.Equal(RunEventKind.Note, note.Kind);
        Assert.Equal(200, note.Step);
        Assert.Contains("past the best checkpoint", note.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Callback_file_still_being_written_keeps_every_complete_line_and_reports_the_cut_one()
    {
        using var tmp = new TempDir();
        var text = RunLine + "\n"
            + """{"type":"log","step":10,"epoch":0.1,"time":1772359210.5,"values":{"loss":0.69}}""" + "\n"
            + """{"type":"log","step":20,"epoch":0.2,"time":1772359220.5,"values":{"loss":0.6""";
        var run = await ImportAsync(tmp, text);

        Assert.Equal([0.69], run.Get(MetricNames.TrainLoss)!.Values());
        Assert.Equal(RunStatus.Running, run.Status);
        // the shared line reader's rule for every line format: a cut last line is damage named with its line, left out
        var cut = Assert.Single(run.Events);
        Assert.Equal(RunEventKind.ImportDamage, cut.Kind);
        Assert.Contains("(line 3) is cut short", cut.Message, StringComparison.Ordinal);
        Assert.Contains("still being written", cut.Message, StringComparison.Ordinal);
        Assert.Equal("line 3", cut.Location);
    }

    [Fact]
    public async Task Callback_damaged_middle_line_is_import_damage_with_its_line_and_the_rest_is_kept()
    {
        using var tmp = new TempDir();
        var text = RunLine + "\n"
            + """{"type":"log","step":10,"values":{"loss":0.69}}""" + "\n"
            + """{"type":"log","step":20,"values":{"loss":0.6,,,}""" + "\n"
            + "garbage\n"
            + """{"type":"log","step":30,"values":{"loss":0.5}}""" + "\n"
            + """{"type":"status","status":"failed","time":1772359404.0}""" + "\n";
        var run = await ImportAsync(tmp, text);

        Assert.Equal([10L, 30], run.Get(MetricNames.TrainLoss)!.Steps());
        Assert.Equal([0.69, 0.5], run.Get(MetricNames.TrainLoss)!.Values());
        Assert.Equal(RunStatus.Failed, run.Status);
        var damage = run.Events.Where(e => e.Kind == RunEventKind.ImportDamage).ToList();
        Assert.Equal(["line 3", "line 4"], damage.Select(d => d.Location));
        Assert.All(damage, d => Assert.EndsWith("runlens.jsonl", d.File, StringComparison.Ordinal));
        Assert.Contains("runlens.jsonl line 3 was skipped", damage[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Callback_non_finite_values_as_strings_and_as_python_tokens_are_read()
    {
        using var tmp = new TempDir();
        var text = RunLine + "\n"
            + """{"type":"log","step":1,"values":{"loss":"NaN","grad_norm":"Infinity","learning_rate":"-Infinity"}}""" + "\n"
            + """{"type":"log","step":2,"values":{"loss":NaN,"grad_norm":Infinity,"learning_rate":-Infinity}}""" + "\n";
        var run = await ImportAsync(tmp, text);

        Assert.All(run.Get(MetricNames.TrainLoss)!.Values(), v => Assert.True(double.IsNaN(v)));
        Assert.Equal(2, run.Get(MetricNames.TrainLoss)!.Count);
        Assert.Equal([double.PositiveInfinity, double.PositiveInfinity], run.Get(MetricNames.GradNorm)!.Values());
        Assert.Equal([double.NegativeInfinity, double.NegativeInfinity], run.Get(MetricNames.LearningRate)!.Values());
    }

    [Fact]
    public async Task Callback_format_is_detected_by_schema_file_name_and_folder_but_not_for_plain_jsonl()
    {
        using var tmp = new TempDir();
        var other = tmp.File("renamed.jsonl");
        await File.WriteAllTextAsync(other, RunLine + "\n" + """{"type":"log","step":1,"values":{"loss":1.0}}""" + "\n");
        var plain = tmp.File("plain/metrics.jsonl");
        await File.WriteAllTextAsync(plain, """{"step":1,"loss":1.0}""" + "\n");
        var folder = Path.Combine(tmp.Path, "run");
        await File.WriteAllTextAsync(tmp.File("run/runlens.jsonl"), RunLine + "\n");
        await File.WriteAllTextAsync(tmp.File("run/trainer_state.json"), """{"global_step": 1, "log_history": []}""");

        Assert.Equal("runlens-callback", ImporterCatalog.Detect(other).Format);
        Assert.Equal("runlens-callback", ImporterCatalog.Detect(folder).Format);
        Assert.Equal("jsonl", ImporterCatalog.Detect(plain).Format);
        var run = Assert.Single((await ImporterCatalog.ImportAsync(folder)).Runs);
        Assert.Equal("bert-small", run.Identity.Name);
        Assert.Equal(RunStatus.Running, run.Status);
    }

    [Fact]
    public async Task Callback_files_without_records_give_a_clear_error()
    {
        using var tmp = new TempDir();
        var importer = new CallbackJsonlImporter();
        var empty = tmp.File("runlens.jsonl");
        await File.WriteAllTextAsync(empty, "");
        var ex = await Assert.ThrowsAsync<RunImportException>(() => importer.ImportAsync(empty, ImportContext.None));
        Assert.Equal(empty, ex.File);
        Assert.Contains("empty", ex.Cause, StringComparison.Ordinal);

        var junk = tmp.File("j/runlens.jsonl");
        await File.WriteAllTextAsync(junk, "not json\n");
        ex = await Assert.ThrowsAsync<RunImportException>(() => importer.ImportAsync(junk, ImportContext.None));
        Assert.Equal("line 1", ex.Location);

        var none = Path.Combine(tmp.Path, "nothing-here");
        Directory.CreateDirectory(none);
        ex = await Assert.ThrowsAsync<RunImportException>(() => importer.ImportAsync(none, ImportContext.None));
        Assert.Contains("no runlens.jsonl", ex.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Callback_log_is_preferred_by_TrainerLogs_over_other_logs_of_the_same_run()
    {
        using var tmp = new TempDir();
        var since = DateTimeOffset.UtcNow.AddSeconds(-5);
        await File.WriteAllTextAsync(tmp.File("out/runlens.jsonl"), RunLine + "\n");
        await Task.Delay(20);
        await File.WriteAllTextAsync(tmp.File("out/checkpoint-10/trainer_state.json"), """{"global_step": 10, "log_history": []}""");

        Assert.Equal(Path.Combine(tmp.Path, "out", "runlens.jsonl"), TrainerLogs.Find([tmp.Path], since));
        File.SetLastWriteTimeUtc(Path.Combine(tmp.Path, "out", "runlens.jsonl"), DateTime.UtcNow.AddHours(-1));
        Assert.EndsWith("trainer_state.json", TrainerLogs.Find([tmp.Path], since), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Callback_importer_survives_1500_mutations_with_a_result_or_a_clear_error()
    {
        var text = string.Join("\n",
            RunLine,
            """{"type":"log","step":10,"epoch":0.1,"time":1772359210.5,"values":{"loss":0.69,"grad_norm":NaN,"learning_rate":"Infinity"}}""",
            """{"type":"log","step":100,"epoch":1.0,"time":1772359300.0,"values":{"eval_loss":0.52,"eval_f1_cat":0.8}}""",
            """{"type":"checkpoint","step":100,"path":"out/checkpoint-100","best":"out/checkpoint-100","best_metric":0.52}""",
            """{"type":"event","kind":"error","message":"RuntimeError: boom (at train.py:3 in f)","step":101,"exception":{"type":"RuntimeError"}}""",
            """{"type":"state","global_step":101,"epoch":1.01,"best_metric":0.52,"best_model_checkpoint":"out/checkpoint-100","should_training_stop":false}""",
            """{"type":"status","status":"failed","time":1772359404.0}""") + "\n";
        var importer = new CallbackJsonlImporter();
        await Fuzz.RunAsync(System.Text.Encoding.UTF8.GetBytes(text), "runlens.jsonl", p => importer.ImportAsync(p, ImportContext.None), iterations: 1500, seed: 4242);
    }
}

using Runlens.Import;
using Runlens.Import.Mlflow;
using Runlens.Model;
using Runlens.Tests.Support;
using static Runlens.Tests.Import.Mlflow.MlflowTestRuns;

namespace Runlens.Tests.Import.Mlflow;

/// <summary>Synthetic MLflow file stores laid out like MLflow's FileStore: meta.yaml styles, statuses, metric lines with
/// non-finite values, sub-folder keys, nested and deleted runs, and damage.</summary>
public sealed class MlflowImporterTests
{
    private const string IdA = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    private const string IdB = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    private readonly MlflowImporter _importer = new();

    private async Task<Run> ImportOneAsync(string path) => Assert.Single((await _importer.ImportAsync(path, ImportContext.None)).Runs);

    [Fact]
    public async Task New_style_meta_gives_id_name_status_and_times()
    {
        using var tmp = new TempDir();
        var exp = Experiment(Path.Combine(tmp.Path, "mlruns"), "7", "my experiment");
        Run(exp, IdA, NewMeta(IdA, "lucky-run", experimentId: "7"), new Dictionary<string, string> { ["loss"] = Lines((0, "0.5"), (1, "0.25")) });

        var run = await ImportOneAsync(tmp.Path);
        Assert.Equal(IdA, run.Identity.Id);
        Assert.Equal("lucky-run", run.Identity.Name);
        Assert.Equal("my experiment", run.Identity.Experiment);
        Assert.Equal(RunStatus.Finished, run.Status);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(Start), run.Identity.Time.Start);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(Start + 60_000), run.Identity.Time.End);
        Assert.Empty(run.Events);
        Assert.Equal([0.5, 0.25], run.Get("train/loss")!.Values());
    }

    [Fact]
    public async Task Old_style_meta_with_run_uuid_only_reads_the_same()
    {
        using var tmp = new TempDir();
        var exp = Experiment(tmp.Path, "0", "Default");
        var dir = Run(exp, IdA, OldMeta(IdA), new Dictionary<string, string> { ["acc"] = "1700000000000 0.5\n1700000000100 0.75\n" });

        var run = await ImportOneAsync(dir);
        Assert.Equal(IdA, run.Identity.Id);
        Assert.Equal(IdA, run.Identity.Name); // name: '' → the id
        Assert.Equal("Default", run.Identity.Experiment);
        Assert.Equal(RunStatus.Finished, run.Status);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(Start + 1000), run.Identity.Time.End);
        // MLflow before 1.0 wrote no step: read as step 0, as MLflow does
        var acc = run.Get("acc")!;
        Assert.Equal([0L, 0L], acc.Steps());
        Assert.Equal([0.5, 0.75], acc.Values());
        Assert.Equal(1700000000.1, acc.Last.WallTime);
    }

    [Theory]
    [InlineData("1", RunStatus.Running, RunEventKind.Note)]
    [InlineData("2", RunStatus.Unknown, RunEventKind.Note)]
    [InlineData("3", RunStatus.Finished, null)]
    [InlineData("4", RunStatus.Failed, RunEventKind.Error)]
    [InlineData("5", RunStatus.Killed, RunEventKind.Error)]
    [InlineData("FAILED", RunStatus.Failed, RunEventKind.Error)]
    [InlineData("9", RunStatus.Unknown, RunEventKind.ImportDamage)]
    public async Task Status_codes_map_to_run_status(string code, RunStatus expected, RunEventKind? eventKind)
    {
        using var tmp = new TempDir();
        var meta = NewMeta(IdA).Replace("status: 3", "status: " + code, StringComparison.Ordinal);
        var dir = Run(tmp.Path, IdA, meta);
        var run = await ImportOneAsync(dir);
        Assert.Equal(expected, run.Status);
        if (eventKind is null)
        {
            Assert.Empty(run.Events);
        }
        else
        {
            var e = Assert.Single(run.Events);
            Assert.Equal(eventKind, e.Kind);
            Assert.EndsWith("meta.yaml", e.File, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Non_finite_values_in_every_spelling_survive()
    {
        using var tmp = new TempDir();
        var dir = Run(tmp.Path, IdA, NewMeta(IdA), new Dictionary<string, string>
        {
            ["loss"] = Lines((0, "nan"), (1, "inf"), (2, "-inf"), (3, "NaN"), (4, "Infinity"), (5, "-Infinity"), (6, "1e-07"), (7, "-0.0"), (8, "1.5E+300"), (9, "+inf")),
        });

        var loss = (await ImportOneAsync(dir)).Get("train/loss")!;
        Assert.Equal(10, loss.Count);
        var v = loss.Values();
        Assert.True(double.IsNaN(v[0]));
        Assert.Equal(double.PositiveInfinity, v[1]);
        Assert.Equal(double.NegativeInfinity, v[2]);
        Assert.True(double.IsNaN(v[3]));
        Assert.Equal(double.PositiveInfinity, v[4]);
        Assert.Equal(double.NegativeInfinity, v[5]);
        Assert.Equal(1e-07, v[6]);
        Assert.True(double.IsNegative(v[7]) && v[7] == 0);
        Assert.Equal(1.5e300, v[8]);
        Assert.Equal(double.PositiveInfinity, v[9]);
    }

    [Fact]
    public async Task Keys_with_slashes_come_from_sub_folders_and_are_normalised()
    {
        using var tmp = new TempDir();
        var dir = Run(tmp.Path, IdA, NewMeta(IdA),
            new Dictionary<string, string>
            {
                ["train/loss"] = Lines((0, "2.0"), (10, "1.0")),
                ["val/loss"] = Lines((10, "1.5")),
                ["eval/per class/f1"] = Lines((10, "0.5")),
            },
            new Dictionary<string, string> { ["optimizer/lr"] = "0.001", ["model"] = "resnet" },
            new Dictionary<string, string> { ["team/owner"] = "vision", [MlflowRunReader.RunNameTag] = "named" });

        var run = await ImportOneAsync(dir);
        Assert.Equal(["train/loss", "val/loss", "val/per class/f1"], run.Series.Keys);
        Assert.Equal("train/loss", run.Get("train/loss")!.OriginalName);
        Assert.Equal("eval/per class/f1", run.Get("val/per class/f1")!.OriginalName);
        Assert.Equal([0L, 10L], run.Get("train/loss")!.Steps());
        Assert.Equal(0.001, run.Config.Number("optimizer.lr")); // "/" in a parameter name is nesting, as in every format
        Assert.Equal("resnet", run.Config.Get("model")!.Value.Text);
        Assert.Equal("vision", run.Config.Get("tags.team/owner")!.Value.Text);
        Assert.Equal("named", run.Identity.Name);
        Assert.Equal(10, run.Trainer.GlobalStep);
    }

    [Fact]
    public async Task Bare_keras_names_are_training_values_and_val_names_validation()
    {
        using var tmp = new TempDir();
        var dir = Run(tmp.Path, IdA, NewMeta(IdA), new Dictionary<string, string>
        {
            ["loss"] = Lines((0, "0.9"), (1, "0.7")),
            ["accuracy"] = Lines((0, "0.5"), (1, "0.6")),
            ["val_loss"] = Lines((0, "1.0"), (1, "1.1")),
            ["val_accuracy"] = Lines((0, "0.4"), (1, "0.45")),
            ["Generator loss"] = Lines((0, "3")),
        });

        var run = await ImportOneAsync(dir);
        Assert.Equal(["Generator loss", "train/accuracy", "train/loss", "val/accuracy", "val/loss"], run.Series.Keys);
        Assert.Equal("val_loss", run.Get("val/loss")!.OriginalName);
        Assert.Equal([1.0, 1.1], run.Get("val/loss")!.Values());
    }

    [Fact]
    public async Task An_empty_metric_file_gives_no_series_and_a_note()
    {
        using var tmp = new TempDir();
        var dir = Run(tmp.Path, IdA, NewMeta(IdA), new Dictionary<string, string> { ["f1"] = "", ["acc"] = Lines((0, "0.5")) });

        var run = await ImportOneAsync(dir);
        Assert.Equal(["acc"], run.Series.Keys);
        var note = Assert.Single(run.Events);
        Assert.Equal(RunEventKind.Note, note.Kind);
        Assert.Contains("'f1'", note.Message, StringComparison.Ordinal);
        Assert.EndsWith(Path.Combine("metrics", "f1"), note.File, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_line_is_reported_by_file_and_line_and_the_other_points_are_kept()
    {
        using var tmp = new TempDir();
        var text = Lines((0, "1.0"), (1, "0.9")) + "1700000000020 zero point eight 2\n" + "garbage\n" + Lines((3, "0.7"));
        var dir = Run(tmp.Path, IdA, NewMeta(IdA), new Dictionary<string, string> { ["loss"] = text });

        var run = await ImportOneAsync(dir);
        Assert.Equal([0L, 1L, 3L], run.Get("train/loss")!.Steps());
        var damage = Assert.Single(run.Events);
        Assert.Equal(RunEventKind.ImportDamage, damage.Kind);
        Assert.Equal("line 3", damage.Location);
        Assert.EndsWith(Path.Combine("metrics", "loss"), damage.File, StringComparison.Ordinal);
        Assert.Contains("2 lines", damage.Message, StringComparison.Ordinal);
        Assert.Contains("3 points kept", damage.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1700000000020 0.8", "the step is missing")]
    [InlineData("1700000000020 0.8 x", "the step is not an integer")]
    [InlineData("17000000000.5 0.8 2", "the timestamp is not an integer")]
    [InlineData("1700000000020 0.8 2 7", "more than 3 fields")]
    [InlineData("1700000000020", "fewer than 2 fields")]
    public async Task Each_kind_of_bad_line_is_named(string line, string cause)
    {
        using var tmp = new TempDir();
        var dir = Run(tmp.Path, IdA, NewMeta(IdA), new Dictionary<string, string> { ["m"] = Lines((0, "1.0"), (1, "0.9")) + line + "\n" });

        var run = await ImportOneAsync(dir);
        Assert.Equal(2, run.Get("m")!.Count);
        var damage = Assert.Single(run.Events);
        Assert.Equal("line 3", damage.Location);
        Assert.Contains(cause, damage.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_last_line_without_line_end_is_kept_and_reported_and_crlf_lines_read()
    {
        using var tmp = new TempDir();
        var dir = Run(tmp.Path, IdA, NewMeta(IdA), new Dictionary<string, string>
        {
            ["loss"] = "1700000000000 1.0 0\r\n1700000000010 0.5 1\r\n1700000000020 0.25 2",
        });

        var run = await ImportOneAsync(dir);
        Assert.Equal([1.0, 0.5, 0.25], run.Get("train/loss")!.Values());
        var damage = Assert.Single(run.Events);
        Assert.Equal(RunEventKind.ImportDamage, damage.Kind);
        Assert.Equal("line 3", damage.Location);
    }

    [Fact]
    public async Task Long_metric_files_cross_read_blocks_without_losing_points()
    {
        using var tmp = new TempDir();
        var dir = Run(tmp.Path, IdA, NewMeta(IdA), new Dictionary<string, string> { ["loss"] = Lines(50_000, i => 1.0 / (i + 1)) });

        var loss = (await ImportOneAsync(dir)).Get("train/loss")!;
        Assert.Equal(50_000, loss.Count);
        Assert.Equal(Enumerable.Range(0, 50_000).Select(i => 1.0 / (i + 1)), loss.Values());
        Assert.Equal(49_999, loss.Last.Step);
    }

    [Fact]
    public async Task Progress_is_reported_per_block_up_to_the_file_size()
    {
        using var tmp = new TempDir();
        var dir = Run(tmp.Path, IdA, NewMeta(IdA), new Dictionary<string, string> { ["loss"] = Lines(20_000, i => i) });
        var file = Path.Combine(dir, "metrics", "loss");
        var reports = new List<ImportProgress>();
        await _importer.ImportAsync(dir, new ImportContext { Progress = new SyncProgress(reports.Add) });

        Assert.True(reports.Count > 3);
        Assert.All(reports, r => Assert.Equal(file, r.File));
        Assert.Equal(new FileInfo(file).Length, reports[^1].Done);
        Assert.Equal(reports[^1].Total, reports[^1].Done);
    }

    private sealed class SyncProgress(Action<ImportProgress> report) : IProgress<ImportProgress>
    {
        public void Report(ImportProgress value) => report(value);
    }

    [Fact]
    public async Task A_line_longer_than_one_mebibyte_is_skipped_and_reported()
    {
        using var tmp = new TempDir();
        var text = Lines((0, "1.0")) + new string('9', 3 << 20) + "\n" + Lines((2, "0.5"));
        var dir = Run(tmp.Path, IdA, NewMeta(IdA), new Dictionary<string, string> { ["loss"] = text });

        var run = await ImportOneAsync(dir);
        Assert.Equal([0L, 2L], run.Get("train/loss")!.Steps());
        var damage = Assert.Single(run.Events);
        Assert.Equal("line 2", damage.Location);
        Assert.Contains("longer than 1 MiB", damage.Message, StringComparison.Ordinal);
        Assert.StartsWith("1 line of metric 'loss'", damage.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lines_after_a_too_long_line_keep_their_numbers()
    {
        using var tmp = new TempDir();
        var text = Lines((0, "1.0")) + new string('x', 5 << 20) + "\n" + Lines((2, "0.5")) + "bad\n" + Lines((4, "0.25"));
        var dir = Run(tmp.Path, IdA, NewMeta(IdA), new Dictionary<string, string> { ["loss"] = text });

        var run = await ImportOneAsync(dir);
        Assert.Equal([0L, 2L, 4L], run.Get("train/loss")!.Steps());
        var damage = Assert.Single(run.Events);
        Assert.Equal("line 2", damage.Location);
        Assert.StartsWith("2 lines of metric 'loss'", damage.Message, StringComparison.Ordinal);
        Assert.Contains("3 points kept", damage.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nested_runs_are_separate_runs_with_the_parent_link()
    {
        using var tmp = new TempDir();
        var exp = Experiment(Path.Combine(tmp.Path, "mlruns"), "3", "sweep");
        Run(exp, IdA, NewMeta(IdA, "parent", experimentId: "3"), parameters: new Dictionary<string, string> { ["trials"] = "2" });
        Run(exp, IdB, NewMeta(IdB, "child", experimentId: "3").Replace($"start_time: {Start}", $"start_time: {Start + 5}", StringComparison.Ordinal),
            new Dictionary<string, string> { ["loss"] = Lines((0, "1")) },
            tags: new Dictionary<string, string> { [MlflowRunReader.ParentTag] = IdA, [MlflowRunReader.RunNameTag] = "child-from-tag" });

        var result = await _importer.ImportAsync(Path.Combine(tmp.Path, "mlruns"), ImportContext.None);
        Assert.Equal([IdA, IdB], result.Runs.Select(r => r.Identity.Id));
        Assert.Null(result.Runs[0].Identity.ParentId);
        Assert.Equal(IdA, result.Runs[1].Identity.ParentId);
        Assert.Equal("child-from-tag", result.Runs[1].Identity.Name);
        Assert.Equal(2, result.Runs[0].Config.Number("trials"));
        Assert.Null(result.Runs[1].Config.Get("tags." + MlflowRunReader.ParentTag));
    }

    [Fact]
    public async Task Deleted_runs_are_kept_with_a_note_and_the_trash_is_skipped()
    {
        using var tmp = new TempDir();
        var tree = Path.Combine(tmp.Path, "mlruns");
        var exp = Experiment(tree, "1", "kept");
        Run(exp, IdA, NewMeta(IdA, stage: "deleted"), new Dictionary<string, string> { ["loss"] = Lines((0, "1")) });
        var trashed = Experiment(Path.Combine(tree, ".trash"), "2", "deleted experiment");
        Run(trashed, IdB, NewMeta(IdB, experimentId: "2"), new Dictionary<string, string> { ["loss"] = Lines((0, "1")) });
        Directory.CreateDirectory(Path.Combine(tree, "models", "registered"));

        Assert.Equal(95, _importer.Detect(tree));
        var run = Assert.Single((await _importer.ImportAsync(tree, ImportContext.None)).Runs);
        Assert.Equal(IdA, run.Identity.Id);
        var note = Assert.Single(run.Events);
        Assert.Equal(RunEventKind.Note, note.Kind);
        Assert.Contains("deleted", note.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_broken_meta_yaml_in_one_run_keeps_the_other_runs_and_names_file_and_line()
    {
        using var tmp = new TempDir();
        var exp = Experiment(tmp.Path, "1", "e");
        Run(exp, IdA, NewMeta(IdA), new Dictionary<string, string> { ["loss"] = Lines((0, "1")) });
        Run(exp, IdB, "run_id: " + IdB + "\nstatus: [3\nstart_time: 5\n", new Dictionary<string, string> { ["loss"] = Lines((0, "2")) });

        var result = await _importer.ImportAsync(exp, ImportContext.None);
        Assert.Equal(2, result.Runs.Length);
        var good = result.Runs.Single(r => r.Identity.Id == IdA);
        Assert.Empty(good.Events);
        var bad = result.Runs.Single(r => r.Identity.Id == IdB); // id from the folder name
        Assert.Equal(RunStatus.Unknown, bad.Status);
        Assert.Equal([2.0], bad.Get("train/loss")!.Values());
        var damage = Assert.Single(bad.Events);
        Assert.Equal(RunEventKind.ImportDamage, damage.Kind);
        Assert.EndsWith(Path.Combine(IdB, "meta.yaml"), damage.File, StringComparison.Ordinal);
        Assert.True(damage.Location is not null, damage.Message);
        Assert.Matches("^line [0-9]+$", damage.Location);
    }

    [Fact]
    public async Task A_run_with_nothing_usable_stays_as_an_empty_run_beside_good_runs()
    {
        using var tmp = new TempDir();
        var exp = Experiment(tmp.Path, "1", "e");
        Run(exp, IdA, NewMeta(IdA), new Dictionary<string, string> { ["loss"] = Lines((0, "1")) });
        Run(exp, IdB, ": : :\n  - [", new Dictionary<string, string>());

        var result = await _importer.ImportAsync(exp, ImportContext.None);
        var bad = result.Runs.Single(r => r.Identity.Id == IdB);
        Assert.Empty(bad.Series);
        Assert.Equal(RunEventKind.ImportDamage, Assert.Single(bad.Events).Kind);
    }

    [Fact]
    public async Task A_single_run_with_an_unusable_meta_and_no_data_is_an_error_naming_file_and_line()
    {
        using var tmp = new TempDir();
        var dir = Run(tmp.Path, IdA, "run_id: x\nstatus: 'unterminated\n");

        var ex = await Assert.ThrowsAsync<RunImportException>(() => _importer.ImportAsync(dir, ImportContext.None));
        Assert.EndsWith("meta.yaml", ex.File, StringComparison.Ordinal);
        Assert.NotNull(ex.Location);
        Assert.Contains("YAML", ex.Cause, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(ex.Hint));
    }

    [Fact]
    public async Task Every_run_unusable_fails_the_import_and_bad_times_are_reported()
    {
        using var tmp = new TempDir();
        var exp = Experiment(tmp.Path, "1", "e");
        Run(exp, IdA, "[1, 2, 3]\n");
        Run(exp, IdB, "- a\n");
        var ex = await Assert.ThrowsAsync<RunImportException>(() => _importer.ImportAsync(exp, ImportContext.None));
        Assert.Contains("not a YAML mapping", ex.Cause, StringComparison.Ordinal);

        using var tmp2 = new TempDir();
        var dir = Run(tmp2.Path, IdA, NewMeta(IdA).Replace($"start_time: {Start}", "start_time: soon", StringComparison.Ordinal));
        var run = await ImportOneAsync(dir);
        Assert.Null(run.Identity.Time.Start);
        var damage = Assert.Single(run.Events);
        Assert.Equal("line 12", damage.Location);
        Assert.Contains("start_time", damage.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_meta_in_a_tree_run_keeps_its_data_and_reports_it()
    {
        using var tmp = new TempDir();
        var exp = Experiment(tmp.Path, "1", "e");
        Run(exp, IdA, meta: null, new Dictionary<string, string> { ["loss"] = Lines((0, "1")) }, new Dictionary<string, string> { ["lr"] = "0.1" });

        var run = await ImportOneAsync(exp);
        Assert.Equal(IdA, run.Identity.Id);
        Assert.Equal(0.1, run.Config.Number("lr"));
        var damage = Assert.Single(run.Events);
        Assert.Contains("missing", damage.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Folders_that_are_not_mlflow_are_refused()
    {
        using var tmp = new TempDir();
        Assert.Equal(0, _importer.Detect(tmp.Path));
        var ex = await Assert.ThrowsAsync<RunImportException>(() => _importer.ImportAsync(tmp.Path, ImportContext.None));
        Assert.Contains("no MLflow runs", ex.Cause, StringComparison.Ordinal);

        // other formats' layouts
        File.WriteAllText(tmp.File("tb/hparams.yaml"), "lr: 0.1\n");
        File.WriteAllText(tmp.File("tb/events.out.tfevents.1.host"), "x");
        File.WriteAllText(tmp.File("csv/metrics.csv"), "step,train_loss\n1,0.5\n");
        File.WriteAllText(tmp.File("csv/hparams.yaml"), "lr: 0.1\n");
        File.WriteAllText(tmp.File("hf/trainer_state.json"), "{\"log_history\": []}");
        File.WriteAllText(tmp.File("wandb/run-20230101_000000-abc/files/config.yaml"), "wandb_version: 1\n");
        File.WriteAllText(tmp.File("wandb/run-20230101_000000-abc/files/wandb-summary.json"), "{}");
        File.WriteAllText(tmp.File("other/meta.yaml"), "title: notes\n");
        foreach (var d in new[] { "tb", "csv", "hf", "wandb", "wandb/run-20230101_000000-abc", "other", "" })
        {
            Assert.Equal(0, _importer.Detect(Path.Combine(tmp.Path, d)));
        }

        Assert.Equal(0, _importer.Detect(Path.Combine(tmp.Path, "other", "meta.yaml")));
    }
}

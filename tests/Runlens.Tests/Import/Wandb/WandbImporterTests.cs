using Runlens.Import;
using Runlens.Import.Wandb;
using Runlens.Model;
using Runlens.Tests.Support;

namespace Runlens.Tests.Import.Wandb;

public sealed class WandbImporterTests
{
    private readonly WandbImporter _importer = new();

    private async Task<Run> ImportOneAsync(string path)
    {
        var result = await _importer.ImportAsync(path, ImportContext.None);
        return Assert.Single(result.Runs);
    }

    [Fact]
    public void The_record_checksum_is_the_plain_zlib_crc32_of_type_byte_and_data()
    {
        // zlib.crc32(b"123456789") == 0xCBF43926: the type byte is the first byte of the checksummed bytes
        Assert.Equal(0xCBF43926u, WandbLogFormat.Checksum((byte)'1', "23456789"u8));
    }

    [Fact]
    public async Task Reads_a_complete_synthetic_run()
    {
        using var dir = new TempDir();
        var folder = WandbTestRuns.Folder(dir.Path, WandbTestRuns.StandardLog(40));
        var run = await ImportOneAsync(folder);

        Assert.Equal(WandbTestRuns.Id, run.Identity.Id);
        Assert.Equal("run-20231114_221320-abc123xy", run.Identity.Name);
        Assert.Equal("synthetic-project", run.Identity.Experiment);
        Assert.Equal("wandb", run.Identity.Source.Format);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(WandbTestRuns.Start), run.Identity.Time.Start);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(WandbTestRuns.Start + 40), run.Identity.Time.End);
        Assert.Equal(RunStatus.Finished, run.Status);
        Assert.Empty(run.Events);

        var train = run.Get("train/loss")!;
        Assert.Equal("train_loss", train.OriginalName);
        Assert.Equal(40, train.Count);
        Assert.Equal(new SeriesPoint(10, 2.0, 0, WandbTestRuns.Start + 0.5), train.First);
        Assert.Equal(400, train.Last.Step);
        Assert.Equal(3, train.Last.Epoch);
        Assert.Equal(2.0 / 40, train.Last.Value);

        var val = run.Get("val/loss")!;
        Assert.Equal(8, val.Count);
        Assert.Equal([50L, 100, 150, 200, 250, 300, 350, 400], val.Steps());
        Assert.Equal(1.04, val.First.Value);

        Assert.Equal(["train/loss", "val/loss"], run.Series.Keys);
        Assert.Equal(400, run.Trainer.GlobalStep);
        Assert.Equal(3, run.Trainer.Epoch);
    }

    [Fact]
    public async Task Config_comes_from_config_yaml_flattened_without_the_wandb_entry()
    {
        using var dir = new TempDir();
        var folder = WandbTestRuns.Folder(dir.Path, WandbTestRuns.StandardLog(5));
        var run = await ImportOneAsync(folder);

        Assert.Equal(0.001, run.Config.Number("learning_rate"));
        Assert.Equal(32, run.Config.Number("batch_size"));
        Assert.Equal("bert-base", run.Config.Get("model.name")!.Value.Text);
        Assert.Equal(12, run.Config.Number("model.layers"));
        Assert.Equal("[64, 32]", run.Config.Get("hidden_sizes")!.Value.Text);
        Assert.Equal("adamw", run.Config.Get("optimizer")!.Value.Text);
        Assert.DoesNotContain(run.Config.Values.Keys, k => k.Contains("wandb", StringComparison.Ordinal) || k == "wandb_version");
    }

    [Fact]
    public async Task Config_comes_from_the_log_when_there_is_no_config_yaml()
    {
        using var dir = new TempDir();
        var w = new WandbLogWriter();
        w.Write(WandbLogWriter.RunStart("cfg1", "p", WandbTestRuns.Start));
        w.Write(WandbLogWriter.Config(("lr", "3e-05"), ("optim", "{\"name\": \"adam\", \"betas\": [0.9, 0.999]}"), ("_wandb", "{\"x\": 1}"), ("flag", "true")));
        w.Write(WandbTestRuns.Row(0, 1.0));
        var folder = WandbTestRuns.Folder(dir.Path, w.ToArray(), summary: null, config: null, id: "cfg1");
        var run = await ImportOneAsync(folder);

        Assert.Equal(3e-05, run.Config.Number("lr"));
        Assert.Equal("adam", run.Config.Get("optim.name")!.Value.Text);
        Assert.Equal("[0.9, 0.999]", run.Config.Get("optim.betas")!.Value.Text);
        Assert.True(run.Config.Get("flag")!.Value.Boolean);
        Assert.Null(run.Config.Get("_wandb.x"));
    }

    [Fact]
    public async Task Summary_reads_numbers_and_NaN_and_skips_media_and_the_wandb_entry()
    {
        using var dir = new TempDir();
        var folder = WandbTestRuns.Folder(dir.Path, WandbTestRuns.StandardLog(5));
        var run = await ImportOneAsync(folder);

        Assert.Equal(0.25, run.Summary["train_loss"]);
        Assert.True(double.IsNaN(run.Summary["val_loss"]));
        Assert.Equal(0.9, run.Summary["val_acc"]);
        Assert.Equal(120.5, run.Summary["_runtime"]);
        Assert.DoesNotContain(run.Summary.Keys, k => k.StartsWith("graph_0", StringComparison.Ordinal) || k.StartsWith("_wandb", StringComparison.Ordinal));
    }

    [Fact]
    public async Task NaN_and_infinite_history_values_survive()
    {
        using var dir = new TempDir();
        var w = new WandbLogWriter();
        w.Write(WandbTestRuns.Row(0, 1.5));
        w.Write(WandbTestRuns.Row(1, double.NaN));
        w.Write(WandbTestRuns.Row(2, double.PositiveInfinity));
        w.Write(WandbTestRuns.Row(3, double.NegativeInfinity));
        w.Write(WandbTestRuns.Row(4, -1e-300));
        var run = await ImportOneAsync(WandbTestRuns.Folder(dir.Path, w.ToArray()));

        var v = run.Get("train/loss")!.Values();
        Assert.Equal(1.5, v[0]);
        Assert.True(double.IsNaN(v[1]));
        Assert.Equal(double.PositiveInfinity, v[2]);
        Assert.Equal(double.NegativeInfinity, v[3]);
        Assert.Equal(-1e-300, v[4]);
    }

    [Fact]
    public async Task Rows_without_a_trainer_step_use_the_wandb_step_and_non_numbers_are_skipped()
    {
        using var dir = new TempDir();
        var w = new WandbLogWriter();
        w.Write(WandbLogWriter.History(("val_acc", "0.5"), ("_step", "0")));
        w.Write(WandbLogWriter.History(("val_acc", "0.75"), ("global_step", "1000"), ("_step", "1")));
        w.Write(WandbLogWriter.History(("val_acc", "0.8"), ("train/global_step", "1500"), ("global_step", "7"), ("_step", "2")));
        w.Write(WandbLogWriter.History(
            ("samples", "{\"_type\": \"table-file\", \"path\": \"media/t.json\"}"),
            ("note", "\"hello\""), ("done", "true"), ("grad_norm", "3.5"), ("_step", "3")));
        var run = await ImportOneAsync(WandbTestRuns.Folder(dir.Path, w.ToArray(), summary: null));

        Assert.Equal([0L, 1000, 1500], run.Get("val/accuracy")!.Steps());
        var grad = run.Get("train/grad_norm")!;
        Assert.Equal(new SeriesPoint(3, 3.5), grad.First);
        Assert.Equal(["train/grad_norm", "val/accuracy"], run.Series.Keys);
    }

    [Fact]
    public async Task Bare_names_keep_their_spelling()
    {
        using var dir = new TempDir();
        var w = new WandbLogWriter();
        w.Write(WandbLogWriter.History(("loss", "0.5"), ("accuracy", "0.7"), ("_step", "0")));
        var run = await ImportOneAsync(WandbTestRuns.Folder(dir.Path, w.ToArray(), summary: null));

        Assert.Equal(["accuracy", "loss"], run.Series.Keys);
    }

    [Fact]
    public async Task A_record_larger_than_a_block_is_read_from_its_FIRST_MIDDLE_and_LAST_fragments()
    {
        using var dir = new TempDir();
        var w = new WandbLogWriter();
        w.Write(WandbTestRuns.Row(0, 1.0));
        var big = WandbLogWriter.History(("train_loss", "0.5"), ("blob", "\"" + new string('x', 80_000) + "\""), ("_step", "1"));
        var bigOffset = w.Write(big);
        w.Write(WandbTestRuns.Row(2, 0.25));
        var bytes = w.ToArray();

        // the big record starts in block 0 and ends in block 2: FIRST, MIDDLE, LAST
        Assert.Equal(WandbLogFormat.First, bytes[bigOffset + 6]);
        Assert.Equal(WandbLogFormat.Middle, bytes[WandbLogFormat.BlockLength + 6]);
        Assert.Equal(WandbLogFormat.Last, bytes[(2 * WandbLogFormat.BlockLength) + 6]);

        var run = await ImportOneAsync(WandbTestRuns.Folder(dir.Path, bytes, summary: null));
        Assert.Equal([1.0, 0.5, 0.25], run.Get("train/loss")!.Values());
        Assert.Empty(run.Events.Where(e => e.Kind == RunEventKind.ImportDamage));
    }

    [Fact]
    public async Task A_corrupt_checksum_mid_file_keeps_the_records_before_it_and_resyncs_at_the_next_block()
    {
        using var dir = new TempDir();
        var offsets = new List<long>();
        var bytes = WandbTestRuns.StandardWriter(900, offsets).ToArray();
        Assert.True(bytes.Length > 3 * WandbLogFormat.BlockLength);

        // corrupt the data of the row that starts 100 rows into block 1
        var firstInBlock1 = offsets.FindIndex(o => o >= WandbLogFormat.BlockLength);
        var bad = firstInBlock1 + 100;
        bytes[offsets[bad] + 20] ^= 0x40;

        var run = await ImportOneAsync(WandbTestRuns.Folder(dir.Path, bytes, summary: null));

        var damage = Assert.Single(run.Events, e => e.Kind == RunEventKind.ImportDamage);
        Assert.Equal($"offset {offsets[bad]}", damage.Location);
        Assert.EndsWith(".wandb", damage.File, StringComparison.Ordinal);
        Assert.Contains("checksum", damage.Message, StringComparison.Ordinal);

        // kept: rows before the bad one, and rows that start in block 2 or later (a row split over the
        // block 1/2 boundary is lost with the rest of block 1)
        var block2 = 2L * WandbLogFormat.BlockLength;
        var expected = Enumerable.Range(0, 900).Where(i => i < bad || offsets[i] >= block2).Select(i => 10L * (i + 1)).ToArray();
        Assert.Equal(expected, run.Get("train/loss")!.Steps());
        Assert.InRange(expected.Length, bad + 100, 899);
        Assert.Equal(RunStatus.Finished, run.Status);
    }

    [Fact]
    public async Task A_truncated_log_keeps_what_was_read_and_says_where_it_ends()
    {
        using var dir = new TempDir();
        var offsets = new List<long>();
        var full = WandbTestRuns.StandardWriter(50, offsets, finish: false).ToArray();
        var cut = (int)offsets[30] + 12;
        var run = await ImportOneAsync(WandbTestRuns.Folder(dir.Path, full[..cut], summary: null));

        Assert.Equal(30, run.Get("train/loss")!.Count);
        var damage = Assert.Single(run.Events, e => e.Kind == RunEventKind.ImportDamage);
        Assert.Equal($"offset {offsets[30]}", damage.Location);
        Assert.Contains("ends inside a record", damage.Message, StringComparison.Ordinal);
        Assert.Equal(RunStatus.Unknown, run.Status);
        Assert.Contains(run.Events, e => e.Kind == RunEventKind.Note && e.Message.Contains("without an exit", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_log_cut_inside_a_multi_block_record_reports_the_unfinished_record()
    {
        using var dir = new TempDir();
        var w = new WandbLogWriter();
        w.Write(WandbTestRuns.Row(0, 1.0));
        var bigOffset = w.Write(WandbLogWriter.History(("blob", "\"" + new string('y', 70_000) + "\""), ("_step", "1")));
        var bytes = w.ToArray()[..(WandbLogFormat.BlockLength + 100)];
        var run = await ImportOneAsync(WandbTestRuns.Folder(dir.Path, bytes, summary: null));

        Assert.Equal([1.0], run.Get("train/loss")!.Values());
        var damage = Assert.Single(run.Events, e => e.Kind == RunEventKind.ImportDamage);
        Assert.Equal($"offset {bigOffset}", damage.Location);
    }

    [Fact]
    public async Task A_nonzero_exit_code_marks_the_run_failed()
    {
        using var dir = new TempDir();
        var run = await ImportOneAsync(WandbTestRuns.Folder(dir.Path, WandbTestRuns.StandardWriter(10, exitCode: 1).ToArray()));

        Assert.Equal(RunStatus.Failed, run.Status);
        var error = Assert.Single(run.Events, e => e.Kind == RunEventKind.Error);
        Assert.Contains("code 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_exit_record_without_final_and_footer_gets_a_note()
    {
        using var dir = new TempDir();
        var w = WandbTestRuns.StandardWriter(10, finish: false);
        w.Write(WandbLogWriter.Exit(0, 10));
        var run = await ImportOneAsync(WandbTestRuns.Folder(dir.Path, w.ToArray()));

        Assert.Equal(RunStatus.Finished, run.Status);
        Assert.Contains(run.Events, e => e.Kind == RunEventKind.Note && e.Message.Contains("without a final record", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_missing_log_falls_back_to_one_summary_point_per_value()
    {
        using var dir = new TempDir();
        var folder = WandbTestRuns.Folder(dir.Path, log: null);
        Assert.Equal(95, _importer.Detect(folder));
        var run = await ImportOneAsync(folder);

        Assert.Equal(["train/loss", "val/accuracy", "val/loss"], run.Series.Keys);
        var train = run.Get("train/loss")!;
        Assert.Equal(new SeriesPoint(400, 0.25, 3, 1700000120.5), Assert.Single(train.Points));
        Assert.True(double.IsNaN(run.Get("val/loss")!.First.Value));
        Assert.Contains(run.Events, e => e.Kind == RunEventKind.Warning && e.Message.Contains("no run-<id>.wandb", StringComparison.Ordinal));
        Assert.Equal(WandbTestRuns.Id, run.Identity.Id);
        Assert.Equal(RunStatus.Unknown, run.Status);
    }

    [Theory]
    [InlineData(new byte[] { (byte)'X', (byte)'W', (byte)'&', (byte)'B', 0xE1, 0xBE, 0 }, "does not start with")]
    [InlineData(new byte[] { (byte)':', (byte)'W', (byte)'&', (byte)'B', 0xE1, 0xBF, 0 }, "magic is 0xBFE1")]
    [InlineData(new byte[] { (byte)':', (byte)'W', (byte)'&', (byte)'B', 0xE1, 0xBE, 7 }, "unknown log version 7")]
    public async Task A_log_with_a_bad_header_is_reported_and_the_summary_is_used(byte[] header, string cause)
    {
        using var dir = new TempDir();
        var bytes = WandbTestRuns.StandardLog(10);
        header.CopyTo(bytes, 0);
        var run = await ImportOneAsync(WandbTestRuns.Folder(dir.Path, bytes));

        var damage = Assert.Single(run.Events, e => e.Kind == RunEventKind.ImportDamage);
        Assert.Contains(cause, damage.Message, StringComparison.Ordinal);
        Assert.Equal("offset 0", damage.Location);
        Assert.EndsWith("run-abc123xy.wandb", damage.File, StringComparison.Ordinal);
        Assert.Equal(0.25, Assert.Single(run.Get("train/loss")!.Points).Value);
        Assert.Equal(0.001, run.Config.Number("learning_rate"));
    }

    [Fact]
    public async Task An_unreadable_log_alone_is_an_import_error_naming_file_and_offset()
    {
        using var dir = new TempDir();
        var file = Path.Combine(dir.Path, "run-x.wandb");
        var bytes = WandbTestRuns.StandardLog(3);
        bytes[7] ^= 0xFF; // the first record's checksum
        bytes = bytes[..200];
        await File.WriteAllBytesAsync(file, bytes);

        var ex = await Assert.ThrowsAsync<RunImportException>(() => _importer.ImportAsync(file, ImportContext.None));
        Assert.Equal(Path.GetFullPath(file), ex.File);
        Assert.Equal("offset 7", ex.Location);
        Assert.Contains("checksum", ex.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_log_alone_is_an_import_error()
    {
        using var dir = new TempDir();
        var file = Path.Combine(dir.Path, "run-x.wandb");
        await File.WriteAllBytesAsync(file, []);

        var ex = await Assert.ThrowsAsync<RunImportException>(() => _importer.ImportAsync(file, ImportContext.None));
        Assert.Contains("empty", ex.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Binary_garbage_is_an_import_error()
    {
        using var dir = new TempDir();
        var file = Path.Combine(dir.Path, "run-x.wandb");
        var junk = new byte[5000];
        new Random(7).NextBytes(junk);
        await File.WriteAllBytesAsync(file, junk);

        Assert.Equal(60, _importer.Detect(file));
        var ex = await Assert.ThrowsAsync<RunImportException>(() => _importer.ImportAsync(file, ImportContext.None));
        Assert.Contains(":W&B", ex.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_log_file_itself_imports_with_the_files_beside_it()
    {
        using var dir = new TempDir();
        var folder = WandbTestRuns.Folder(dir.Path, WandbTestRuns.StandardLog(12));
        var file = Path.Combine(folder, "run-abc123xy.wandb");
        Assert.Equal(100, _importer.Detect(file));
        var run = await ImportOneAsync(file);

        Assert.Equal(12, run.Get("train/loss")!.Count);
        Assert.Equal(0.001, run.Config.Number("learning_rate"));
        Assert.Equal("run-20231114_221320-abc123xy", run.Identity.Name);
    }

    [Fact]
    public async Task A_wandb_folder_gives_one_run_per_run_folder_and_skips_latest_run()
    {
        using var dir = new TempDir();
        var a = WandbTestRuns.Folder(dir.Path, WandbTestRuns.StandardLog(5), id: "aaaa1111");
        WandbTestRuns.Folder(dir.Path, WandbTestRuns.StandardLog(7), id: "bbbb2222");
        var wandbDir = Path.Combine(dir.Path, "wandb");
        Directory.CreateSymbolicLink(Path.Combine(wandbDir, "latest-run"), a);
        File.WriteAllText(Path.Combine(wandbDir, "debug.log"), "log");

        Assert.Equal(95, _importer.Detect(wandbDir));
        Assert.Equal(85, _importer.Detect(dir.Path));
        foreach (var path in new[] { wandbDir, dir.Path })
        {
            var result = await _importer.ImportAsync(path, ImportContext.None);
            Assert.Equal(2, result.Runs.Length);
            Assert.Equal(5, result.Runs[0].Get("train/loss")!.Count);
            Assert.Equal(7, result.Runs[1].Get("train/loss")!.Count);
        }
    }

    [Fact]
    public async Task Metadata_gives_program_and_host_and_never_the_email()
    {
        using var dir = new TempDir();
        const string metadata = """{"program": "/home/u/train.py", "host": "gpu-box", "email": "someone@example.com", "username": "someone", "startedAt": "2023-11-14T22:13:20.000000"}""";
        var run = await ImportOneAsync(WandbTestRuns.Folder(dir.Path, log: null, metadata: metadata));

        Assert.Equal("/home/u/train.py", run.Config.Get("wandb.program")!.Value.Text);
        Assert.Equal("gpu-box", run.Config.Get("wandb.host")!.Value.Text);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), run.Identity.Time.Start);
        Assert.DoesNotContain(run.Config.Values.Values, v => v.Text.Contains("someone", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Broken_summary_and_config_files_are_reported_and_the_log_still_imports()
    {
        using var dir = new TempDir();
        var folder = WandbTestRuns.Folder(dir.Path, WandbTestRuns.StandardLog(6), summary: "{\"a\": 1,", config: "a: b: c\n");
        var run = await ImportOneAsync(folder);

        Assert.Equal(6, run.Get("train/loss")!.Count);
        Assert.Contains(run.Events, e => e.Kind == RunEventKind.ImportDamage && e.File!.EndsWith("wandb-summary.json", StringComparison.Ordinal));
        Assert.Contains(run.Events, e => e.Kind == RunEventKind.ImportDamage && e.File!.EndsWith("config.yaml", StringComparison.Ordinal) && e.Location == "line 1");
        Assert.Equal(0.001, run.Config.Number("learning_rate")); // from the log's config record
        Assert.Equal(2.0 / 6, run.Summary["train_loss"]);       // from the log's summary record
    }

    [Fact]
    public async Task Config_yaml_that_trips_the_yaml_parser_is_reported_not_thrown()
    {
        using var dir = new TempDir();
        var run = await ImportOneAsync(WandbTestRuns.Folder(dir.Path, WandbTestRuns.StandardLog(3), config: "a: [1, 2\nb: {"));

        Assert.Contains(run.Events, e => e.Kind == RunEventKind.ImportDamage && e.File!.EndsWith("config.yaml", StringComparison.Ordinal));
        Assert.Equal(3, run.Get("train/loss")!.Count);
    }

    [Fact]
    public void Detect_ignores_other_files_and_folders()
    {
        using var dir = new TempDir();
        var csv = Path.Combine(dir.Path, "metrics.csv");
        File.WriteAllText(csv, "step,loss\n1,2\n");
        Assert.Equal(0, _importer.Detect(csv));
        Assert.Equal(0, _importer.Detect(dir.Path));
        Assert.Equal(0, _importer.Detect(Path.Combine(dir.Path, "missing")));
    }

    [Fact]
    public async Task A_record_that_is_not_protobuf_is_reported_and_skipped()
    {
        using var dir = new TempDir();
        var w = new WandbLogWriter();
        w.Write(WandbTestRuns.Row(0, 1.0));
        var badOffset = w.WriteData([0x0A, 0xFF, 0xFF, 0xFF, 0x0F, 0x01]); // field 1 as length-delimited with a huge length
        w.Write(WandbTestRuns.Row(1, 0.5));
        var run = await ImportOneAsync(WandbTestRuns.Folder(dir.Path, w.ToArray(), summary: null));

        Assert.Equal([1.0, 0.5], run.Get("train/loss")!.Values());
        var damage = Assert.Single(run.Events, e => e.Kind == RunEventKind.ImportDamage);
        Assert.Equal($"offset {badOffset}", damage.Location);
    }
}

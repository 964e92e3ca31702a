using System.Buffers.Binary;
using System.Text;
using Google.Protobuf.WellKnownTypes;
using Runlens.Import;
using Runlens.Import.TensorBoard;
using Runlens.Import.TensorBoard.Proto;
using Runlens.Model;
using Runlens.Tests.Support;

namespace Runlens.Tests.Import.TensorBoard;

/// <summary>Synthetic event files (written with <see cref="TensorBoardEventWriter"/>): scalar encodings, layouts, damage.</summary>
public sealed class TensorBoardImporterTests
{
    private const string FileName = "events.out.tfevents.1700000000.host.123.0";
    private readonly TensorBoardImporter _importer = new();

    private async Task<Run> ImportAsync(string path) => Assert.Single((await _importer.ImportAsync(path, ImportContext.None)).Runs);

    private static string Write(TempDir tmp, byte[] bytes, string name = FileName)
    {
        var path = tmp.File(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static TensorBoardEventWriter TenSteps(out List<long> offsets)
    {
        var w = new TensorBoardEventWriter();
        offsets = [];
        for (var i = 0; i < 10; i++)
        {
            offsets.Add(w.Scalar("train_loss", i * 10, 1.0f / (i + 1), 1_700_000_000 + i));
        }

        return w;
    }

    [Fact]
    public void Crc32c_matches_the_standard_check_value_and_the_tfrecord_mask()
    {
        // CRC-32C check value (RFC 3720 / iSCSI): "123456789" -> 0xE3069283
        Assert.Equal(0xE3069283u, TfRecordFormat.Crc32C("123456789"u8));
        Assert.Equal(0u, TfRecordFormat.Crc32C([]));
        // 32 zero bytes: 0x8A9136AA (RFC 3720 B.4)
        Assert.Equal(0x8A9136AAu, TfRecordFormat.Crc32C(new byte[32]));
        var c = 0xE3069283u;
        Assert.Equal(((c >> 15) | (c << 17)) + 0xa282ead8u, TfRecordFormat.Mask(c));
    }

    [Fact]
    public async Task Simple_values_keep_step_value_and_wall_time()
    {
        using var tmp = new TempDir();
        var path = Write(tmp, TenSteps(out _).ToArray());

        Assert.Equal(100, _importer.Detect(path));
        var run = await ImportAsync(path);
        var loss = run.Get(MetricNames.TrainLoss)!;
        Assert.Equal("train_loss", loss.OriginalName);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => i * 10L), loss.Steps());
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (double)(1.0f / (i + 1))), loss.Values());
        Assert.Equal(1_700_000_009, loss.Last.WallTime);
        Assert.Empty(run.Events);
        Assert.Equal("tensorboard", run.Identity.Source.Format);
    }

    [Fact]
    public async Task Tensor_scalars_in_every_encoding_are_read_and_metadata_is_remembered_per_tag()
    {
        using var tmp = new TempDir();
        var w = new TensorBoardEventWriter();
        for (var i = 0; i < 4; i++)
        {
            // metadata only with each tag's first value, as TF2 writes it
            w.TensorScalar("f_content", i, 0.5f + i, metadata: i == 0);
            w.TensorScalar("f_val", i, 1.5f + i, metadata: i == 0, asContent: false);
            w.DoubleTensorScalar("d_content", i, 0.1 + i, metadata: i == 0);
            w.DoubleTensorScalar("d_val", i, 0.2 + i, metadata: i == 0, asContent: false);
            w.Histogram("weights", i, 30);
        }

        var run = await ImportAsync(Write(tmp, w.ToArray()));
        Assert.Equal(["train/d_content", "train/d_val", "train/f_content", "train/f_val"], run.Series.Keys);
        Assert.Equal([0.5, 1.5, 2.5, 3.5], run.Get("train/f_content")!.Values());
        Assert.Equal([1.5, 2.5, 3.5, 4.5], run.Get("train/f_val")!.Values());
        Assert.Equal([0.1, 1.1, 2.1, 3.1], run.Get("train/d_content")!.Values());
        Assert.Equal([0.2, 1.2, 2.2, 3.2], run.Get("train/d_val")!.Values());
        Assert.Empty(run.Events);
    }

    [Fact]
    public async Task Tensors_of_other_plugins_and_of_more_than_one_element_are_skipped()
    {
        using var tmp = new TempDir();
        var w = new TensorBoardEventWriter();
        var text = new TbTensor { Dtype = 7, TensorShape = new TbTensorShape() };
        text.StringVal.Add(Google.Protobuf.ByteString.CopyFromUtf8("hello"));
        var textMeta = new TbSummaryMetadata { PluginData = new TbPluginData { PluginName = "text" } };
        w.Write(new TbEvent { Step = 1, Summary = new TbSummary { Value = { new TbSummaryValue { Tag = "args/text_summary", Tensor = text, Metadata = textMeta } } } });
        // a float tensor under a non-scalar plugin (e.g. pr_curves) is not a scalar
        var prMeta = new TbSummaryMetadata { PluginData = new TbPluginData { PluginName = "pr_curves" } };
        var pr = new TbTensor { Dtype = 1, TensorShape = new TbTensorShape(), FloatVal = { 3f } };
        w.Write(new TbEvent { Step = 1, Summary = new TbSummary { Value = { new TbSummaryValue { Tag = "pr", Tensor = pr, Metadata = prMeta } } } });
        var vec = new TbTensor { Dtype = 1, TensorShape = new TbTensorShape { Dim = { new TbTensorShape.Types.Dim { Size = 2 } } }, FloatVal = { 1f, 2f } };
        w.Write(new TbEvent { Step = 1, Summary = new TbSummary { Value = { new TbSummaryValue { Tag = "vec", Tensor = vec } } } });
        w.Write(new TbEvent { Step = 1, GraphDef = Google.Protobuf.ByteString.CopyFrom(new byte[500]) });
        w.Histogram("h", 1, 10);
        w.Scalar("loss", 1, 0.25f);

        var run = await ImportAsync(Write(tmp, w.ToArray()));
        var only = Assert.Single(run.Series.Values);
        Assert.Equal(MetricNames.TrainLoss, only.Key);
        Assert.Equal(0.25, only.First.Value);
    }

    [Fact]
    public async Task Restarting_steps_keep_every_point_in_logging_order()
    {
        using var tmp = new TempDir();
        var w = new TensorBoardEventWriter();
        int[] segments = [270, 113, 90, 90, 173];
        var n = 0;
        foreach (var len in segments)
        {
            for (var s = 0; s < len; s++)
            {
                w.TensorScalar("Generator loss", s, n++, metadata: n == 1);
            }
        }

        var run = await ImportAsync(Write(tmp, w.ToArray()));
        var g = run.Get("Generator loss")!;
        Assert.Equal(736, g.Count);
        Assert.Equal(Enumerable.Range(0, 736).Select(i => (double)i), g.Values());
        Assert.Equal(5, g.Steps().Count(s => s == 0));
        Assert.Equal(0, g.Points[270].Step);
        Assert.Equal(269, g.Points[269].Step);
    }

    [Theory]
    [InlineData(5)]   // inside the last record's header
    [InlineData(14)]  // inside its data
    [InlineData(-2)]  // inside its footer checksum
    public async Task A_truncated_last_record_keeps_what_came_before_and_names_the_offset(int cut)
    {
        using var tmp = new TempDir();
        var bytes = TenSteps(out var offsets).ToArray();
        var last = offsets[^1];
        var length = cut > 0 ? last + cut : bytes.Length + cut;
        var path = Write(tmp, bytes[..(int)length]);

        var run = await ImportAsync(path);
        Assert.Equal(9, run.Get(MetricNames.TrainLoss)!.Count);
        var damage = Assert.Single(run.Events);
        Assert.Equal(RunEventKind.ImportDamage, damage.Kind);
        Assert.Equal($"offset {last}", damage.Location);
        Assert.Equal(path, damage.File);
        Assert.Contains("ends inside a record", damage.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_data_checksum_skips_that_record_only()
    {
        using var tmp = new TempDir();
        var bytes = TenSteps(out var offsets).ToArray();
        bytes[offsets[4] + 14] ^= 0x40;
        var run = await ImportAsync(Write(tmp, bytes));

        var loss = run.Get(MetricNames.TrainLoss)!;
        Assert.Equal(9, loss.Count);
        Assert.DoesNotContain(40L, loss.Steps());
        var damage = Assert.Single(run.Events);
        Assert.Equal($"offset {offsets[4]}", damage.Location);
        Assert.Contains("data checksum mismatch", damage.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_length_checksum_ends_the_file_with_damage_named()
    {
        using var tmp = new TempDir();
        var bytes = TenSteps(out var offsets).ToArray();
        bytes[offsets[6] + 2] ^= 0x01;
        var run = await ImportAsync(Write(tmp, bytes));

        Assert.Equal(6, run.Get(MetricNames.TrainLoss)!.Count);
        var damage = Assert.Single(run.Events);
        Assert.Equal($"offset {offsets[6]}", damage.Location);
        Assert.Contains("length checksum mismatch", damage.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_huge_length_with_a_valid_checksum_is_a_truncated_tail_not_an_allocation()
    {
        using var tmp = new TempDir();
        var w = TenSteps(out _);
        var at = w.Length;
        var header = new byte[12];
        BinaryPrimitives.WriteUInt64LittleEndian(header, 1UL << 40);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), TfRecordFormat.MaskedCrc(header.AsSpan(0, 8)));
        var bytes = w.ToArray().Concat(header).Concat(new byte[100]).ToArray();
        var run = await ImportAsync(Write(tmp, bytes));
        Assert.Equal(10, run.Get(MetricNames.TrainLoss)!.Count);
        Assert.Equal($"offset {at}", Assert.Single(run.Events).Location);
    }

    [Fact]
    public async Task A_record_that_is_not_an_event_is_skipped_with_damage()
    {
        using var tmp = new TempDir();
        var w = new TensorBoardEventWriter();
        w.Scalar("loss", 1, 0.5f);
        var bad = w.WriteData([0x2A, 0xFF, 0xFF]); // field 5, LEN, truncated varint
        w.Scalar("loss", 2, 0.4f);
        var run = await ImportAsync(Write(tmp, w.ToArray()));
        Assert.Equal([1L, 2L], run.Get(MetricNames.TrainLoss)!.Steps());
        var damage = Assert.Single(run.Events);
        Assert.Equal($"offset {bad}", damage.Location);
        Assert.Contains("not a readable tensorflow.Event", damage.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Garbage_is_a_clean_error_at_offset_0()
    {
        using var tmp = new TempDir();
        var path = Write(tmp, Encoding.UTF8.GetBytes("epoch,loss\n0,0.5\n1,0.4\n"));
        Assert.Equal(80, _importer.Detect(path));
        var ex = await Assert.ThrowsAsync<RunImportException>(() => _importer.ImportAsync(path, ImportContext.None));
        Assert.Equal(path, ex.File);
        Assert.Equal("offset 0", ex.Location);
        Assert.Contains("not a TensorBoard event file", ex.Cause, StringComparison.Ordinal);

        var other = Write(tmp, Encoding.UTF8.GetBytes("epoch,loss\n0,0.5\n"), "metrics.csv");
        Assert.Equal(0, _importer.Detect(other));
    }

    [Fact]
    public async Task An_empty_file_alone_is_an_error_and_beside_data_a_note()
    {
        using var tmp = new TempDir();
        var empty = Write(tmp, [], "run/events.out.tfevents.1700000001.host.1.0");
        Assert.Equal(90, _importer.Detect(empty));
        var ex = await Assert.ThrowsAsync<RunImportException>(() => _importer.ImportAsync(empty, ImportContext.None));
        Assert.Contains("empty", ex.Cause, StringComparison.Ordinal);
        Assert.Equal(empty, ex.File);

        Write(tmp, TenSteps(out _).ToArray(), "run/events.out.tfevents.1700000000.host.1.0");
        var run = await ImportAsync(Path.Combine(tmp.Path, "run"));
        Assert.Equal(10, run.Get(MetricNames.TrainLoss)!.Count);
        var note = Assert.Single(run.Events);
        Assert.Equal(RunEventKind.Note, note.Kind);
        Assert.Equal(empty, note.File);
    }

    [Fact]
    public async Task A_truncated_first_record_is_an_error_naming_offset_0()
    {
        using var tmp = new TempDir();
        var path = Write(tmp, TenSteps(out _).ToArray()[..20]);
        var ex = await Assert.ThrowsAsync<RunImportException>(() => _importer.ImportAsync(path, ImportContext.None));
        Assert.Equal("offset 0", ex.Location);
        Assert.Contains("ends inside a record", ex.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Several_files_in_one_folder_merge_in_timestamp_order_not_name_order()
    {
        using var tmp = new TempDir();
        var first = new TensorBoardEventWriter();
        first.Scalar("val_loss", 1, 0.9f);
        var second = new TensorBoardEventWriter();
        second.Scalar("val_loss", 2, 0.8f);
        var third = new TensorBoardEventWriter();
        third.Scalar("test_loss", 2, 0.7f);
        // "10..." sorts before "9..." as text; the timestamp puts 9 first
        Write(tmp, first.ToArray(), "v/events.out.tfevents.999999999.host.1.0");
        Write(tmp, second.ToArray(), "v/events.out.tfevents.1000000000.host.1.1");
        Write(tmp, third.ToArray(), "v/events.out.tfevents.1000000000.host.1.2");

        var run = await ImportAsync(Path.Combine(tmp.Path, "v"));
        Assert.Equal([0.9, 0.8], run.Get(MetricNames.ValLoss)!.Values().Select(v => Math.Round(v, 4)));
        Assert.Equal(0.7, Math.Round(run.Get("test/loss")!.First.Value, 4));
        Assert.Equal("v", run.Identity.Name);
    }

    [Fact]
    public async Task Keras_layout_is_one_run_with_series_split_by_subfolder()
    {
        using var tmp = new TempDir();
        var train = new TensorBoardEventWriter();
        var val = new TensorBoardEventWriter();
        for (var e = 0; e < 3; e++)
        {
            train.TensorScalar("epoch_loss", e, 1f - (0.1f * e), metadata: e == 0);
            train.TensorScalar("epoch_accuracy", e, 0.5f + (0.1f * e), metadata: e == 0);
            val.TensorScalar("epoch_loss", e, 1.2f - (0.05f * e), metadata: e == 0);
        }

        Write(tmp, train.ToArray(), "exp/train/events.out.tfevents.1.host.1.0.v2");
        Write(tmp, val.ToArray(), "exp/validation/events.out.tfevents.2.host.1.1.v2");
        var exp = Path.Combine(tmp.Path, "exp");

        Assert.Equal(95, _importer.Detect(exp));
        Assert.Equal(80, _importer.Detect(tmp.Path));
        var run = await ImportAsync(exp);
        Assert.Equal("exp", run.Identity.Name);
        Assert.Equal(["train/accuracy", "train/loss", "val/loss"], run.Series.Keys);
        Assert.Equal("validation/epoch_loss", run.Get(MetricNames.ValLoss)!.OriginalName);
        Assert.Equal(3, run.Get(MetricNames.ValLoss)!.Count);

        // the same run found from the folder above, and one split file given alone keeps its split
        var fromAbove = await ImportAsync(tmp.Path);
        Assert.Equal(run.Series.Keys, fromAbove.Series.Keys);
        var alone = await ImportAsync(Directory.GetFiles(Path.Combine(exp, "validation"))[0]);
        Assert.Equal(["val/loss"], alone.Series.Keys);
    }

    [Fact]
    public async Task Hparams_plugin_and_hparams_yaml_become_the_config()
    {
        using var tmp = new TempDir();
        var w = new TensorBoardEventWriter();
        w.HParams(("lr", Value.ForNumber(0.001)), ("optimizer", Value.ForString("adam")), ("amsgrad", Value.ForBool(true)), ("batch_size", Value.ForNumber(32)));
        w.Scalar("hp_metric", 0, -1f);
        w.Scalar("train_loss", 10, 0.5f);
        Write(tmp, w.ToArray(), "version_0/" + FileName);
        File.WriteAllText(tmp.File("version_0/hparams.yaml"), "batch_size: 64\nmodel:\n  layers: 2\n  dims: [1, 2]\n");

        var run = await ImportAsync(Path.Combine(tmp.Path, "version_0"));
        Assert.Equal(0.001, run.Config.Number("lr"));
        Assert.Equal("adam", run.Config.Get("optimizer")!.Value.Text);
        Assert.True(run.Config.Get("amsgrad")!.Value.Boolean);
        Assert.Equal(64, run.Config.Number("batch_size")); // hparams.yaml wins: it is what the user saved
        Assert.Equal(2, run.Config.Number("model.layers"));
        Assert.Equal("[1, 2]", run.Config.Get("model.dims")!.Value.Text);
        Assert.Empty(run.Events);
    }

    [Fact]
    public async Task A_broken_hparams_yaml_is_damage_and_the_series_still_import()
    {
        using var tmp = new TempDir();
        Write(tmp, TenSteps(out _).ToArray(), "version_1/" + FileName);
        File.WriteAllText(tmp.File("version_1/hparams.yaml"), "a: [1, 2\nb: {\n");
        var run = await ImportAsync(Path.Combine(tmp.Path, "version_1"));
        Assert.Equal(10, run.Get(MetricNames.TrainLoss)!.Count);
        var damage = Assert.Single(run.Events);
        Assert.Equal(RunEventKind.ImportDamage, damage.Kind);
        Assert.EndsWith("hparams.yaml", damage.File, StringComparison.Ordinal);
    }

    [Fact]
    public void Lightning_csv_folders_are_not_tensorboard_unless_they_hold_event_files()
    {
        using var tmp = new TempDir();
        File.WriteAllText(tmp.File("version_0/metrics.csv"), "epoch,step,train_loss\n0,49,0.5\n");
        File.WriteAllText(tmp.File("version_0/hparams.yaml"), "lr: 0.1\n");
        var dir = Path.Combine(tmp.Path, "version_0");
        Assert.Equal(0, _importer.Detect(dir));
        Assert.Equal(0, _importer.Detect(tmp.Path));
        Assert.Equal(0, _importer.Detect(Path.Combine(dir, "hparams.yaml")));

        Write(tmp, TenSteps(out _).ToArray(), "version_0/" + FileName);
        Assert.Equal(95, _importer.Detect(dir));
    }

    [Fact]
    public async Task A_tree_with_one_unreadable_run_keeps_the_others()
    {
        using var tmp = new TempDir();
        Write(tmp, TenSteps(out _).ToArray(), "runs/a/" + FileName);
        Write(tmp, Encoding.UTF8.GetBytes("not an event file at all"), "runs/b/" + FileName);
        var result = await _importer.ImportAsync(tmp.Path, ImportContext.None);
        Assert.Equal(["a", "b"], result.Runs.Select(r => r.Identity.Name));
        Assert.Equal(10, result.Runs[0].Get(MetricNames.TrainLoss)!.Count);
        Assert.Empty(result.Runs[1].Series);
        Assert.Equal("offset 0", Assert.Single(result.Runs[1].Events).Location);
    }

    [Fact]
    public async Task Progress_reaches_the_file_length()
    {
        using var tmp = new TempDir();
        var w = new TensorBoardEventWriter();
        for (var i = 0; i < 60_000; i++)
        {
            w.Scalar("loss", i, i);
        }

        var path = Write(tmp, w.ToArray());
        var reports = new List<ImportProgress>();
        var progress = new SyncProgress(reports);
        var result = await _importer.ImportAsync(path, new ImportContext { Progress = progress });
        Assert.Equal(60_000, result.Runs[0].Get(MetricNames.TrainLoss)!.Count);
        Assert.True(reports.Count >= 2);
        Assert.Equal(new FileInfo(path).Length, reports[^1].Done);
        Assert.Equal(reports[^1].Total, reports[^1].Done);
    }

    [Fact]
    public async Task A_record_larger_than_the_read_chunk_is_read_whole()
    {
        using var tmp = new TempDir();
        var w = new TensorBoardEventWriter();
        w.Scalar("loss", 1, 0.5f);
        w.Write(new TbEvent { Step = 1, GraphDef = Google.Protobuf.ByteString.CopyFrom(new byte[3 << 20]) });
        w.Scalar("loss", 2, 0.25f);
        var run = await ImportAsync(Write(tmp, w.ToArray()));
        Assert.Equal([0.5, 0.25], run.Get(MetricNames.TrainLoss)!.Values());
        Assert.Empty(run.Events);
    }

    [Fact]
    public async Task Epoch_comes_from_the_epoch_scalar_at_the_same_step_even_after_a_restart()
    {
        using var tmp = new TempDir();
        var w = new TensorBoardEventWriter();
        long[] steps = [10, 20, 30, 10, 20];
        for (var i = 0; i < steps.Length; i++)
        {
            w.Scalar("train_loss", steps[i], i);
            if (i < 3)
            {
                w.Scalar("epoch", steps[i], i);
            }
        }

        w.Scalar("val_loss", 25, 0.5f);
        var run = await ImportAsync(Write(tmp, w.ToArray()));
        Assert.Equal([0.0, 1.0, 2.0, 0.0, 1.0], run.Get(MetricNames.TrainLoss)!.Points.Select(p => p.Epoch));
        Assert.True(double.IsNaN(run.Get(MetricNames.ValLoss)!.First.Epoch));
        Assert.True(double.IsNaN(run.Get("epoch")!.First.Epoch));
    }

    private sealed class SyncProgress(List<ImportProgress> into) : IProgress<ImportProgress>
    {
        public void Report(ImportProgress value) => into.Add(value);
    }
}

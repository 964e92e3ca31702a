using System.Text;
using Runlens.Import;
using Runlens.Import.Tabular;
using Runlens.Model;
using Runlens.Tests.Support;

namespace Runlens.Tests.Import.Tabular;

/// <summary>Odd and damaged CSV input through the importers that share <see cref="MetricTableReader"/>.</summary>
public sealed class MetricCsvEdgeCaseTests
{
    private static async Task<Run> ImportAsync(IRunImporter importer, TempDir tmp, string relative, string text)
    {
        var file = tmp.File(relative);
        await File.WriteAllTextAsync(file, text);
        return Assert.Single((await importer.ImportAsync(file, ImportContext.None)).Runs);
    }

    private static async Task<RunImportException> FailAsync(IRunImporter importer, TempDir tmp, string relative, string text)
    {
        var file = tmp.File(relative);
        await File.WriteAllTextAsync(file, text);
        var ex = await Assert.ThrowsAsync<RunImportException>(() => importer.ImportAsync(file, ImportContext.None));
        Assert.Equal(file, ex.File);
        Assert.False(string.IsNullOrWhiteSpace(ex.Hint));
        return ex;
    }

    [Fact]
    public async Task An_empty_file_is_an_error_naming_the_file()
    {
        using var tmp = new TempDir();
        var ex = await FailAsync(new LightningCsvImporter(), tmp, "v/metrics.csv", "");
        Assert.Contains("empty", ex.Cause, StringComparison.Ordinal);
        Assert.Contains("Lightning", ex.Hint, StringComparison.Ordinal);
        ex = await FailAsync(new CsvMetricsImporter(), tmp, "blank.csv", "\n\r\n\n");
        Assert.Contains("empty", ex.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_header_without_rows_is_an_error_at_line_2()
    {
        using var tmp = new TempDir();
        var ex = await FailAsync(new LightningCsvImporter(), tmp, "v/metrics.csv", "epoch,step,train_loss,val_loss\n");
        Assert.Equal("line 2", ex.Location);
        Assert.Contains("no data rows", ex.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ragged_rows_are_skipped_and_reported_with_their_lines()
    {
        using var tmp = new TempDir();
        var run = await ImportAsync(new LightningCsvImporter(), tmp, "v/metrics.csv", """
            epoch,step,train_loss,val_loss
            0,10,1.5,
            0,20,1.4
            0,30,1.3,,extra
            0,40,1.2,
            0,40,,0.9
            """);

        Assert.Equal([1.5, 1.2], run.Get(MetricNames.TrainLoss)!.Values());
        Assert.Equal([10L, 40], run.Get(MetricNames.TrainLoss)!.Steps());
        Assert.Equal([0.9], run.Get(MetricNames.ValLoss)!.Values());
        Assert.Equal(2, run.Events.Length);
        Assert.All(run.Events, e => Assert.Equal(RunEventKind.ImportDamage, e.Kind));
        Assert.Equal(["line 3", "line 4"], run.Events.Select(e => e.Location));
        Assert.Contains("3 fields where the header has 4", run.Events[0].Message, StringComparison.Ordinal);
        Assert.Contains("5 fields", run.Events[1].Message, StringComparison.Ordinal);
        Assert.All(run.Events, e => Assert.EndsWith("metrics.csv", e.File, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_truncated_last_row_keeps_every_row_before_it()
    {
        using var tmp = new TempDir();
        var run = await ImportAsync(new LightningCsvImporter(), tmp, "v/metrics.csv",
            "epoch,step,train_loss,val_loss\n0,10,1.5,\n0,10,,1.1\n1,20,1.");

        Assert.Equal([1.5], run.Get(MetricNames.TrainLoss)!.Values());
        Assert.Equal([1.1], run.Get(MetricNames.ValLoss)!.Values());
        var damage = Assert.Single(run.Events);
        Assert.Equal(RunEventKind.ImportDamage, damage.Kind);
        Assert.Equal("line 4", damage.Location);
    }

    [Fact]
    public async Task Quoted_fields_with_delimiters_quotes_and_line_breaks_keep_line_numbers_true()
    {
        using var tmp = new TempDir();
        var run = await ImportAsync(new CsvMetricsImporter(), tmp, "log.csv",
            "step,note,loss\n1,\"warm, up\",2.5\n2,\"two\nlines \"\"quoted\"\"\",2.25\n3,plain,\"2.0\"\n4,x,oops\n");

        Assert.Equal([2.5, 2.25, 2.0], run.Get(MetricNames.TrainLoss)!.Values());
        Assert.Equal([1L, 2, 3], run.Get(MetricNames.TrainLoss)!.Steps());
        Assert.False(run.Has("train/note"));
        var note = Assert.Single(run.Events, e => e.Kind == RunEventKind.Note);
        Assert.Contains("'note'", note.Message, StringComparison.Ordinal);
        Assert.Equal("line 2", note.Location);
        var wrong = Assert.Single(run.Events, e => e.Kind == RunEventKind.Warning);
        Assert.Contains("'loss' has 1 cells that are not numbers", wrong.Message, StringComparison.Ordinal);
        Assert.Equal("line 6", wrong.Location); // the quoted line break counts
    }

    [Fact]
    public async Task A_quote_that_never_closes_is_damage_at_the_line_it_opened()
    {
        using var tmp = new TempDir();
        var run = await ImportAsync(new CsvMetricsImporter(), tmp, "log.csv", "step,loss\n1,2.5\n2,\"2.4\n3,2.3\n");

        Assert.Equal([2.5], run.Get(MetricNames.TrainLoss)!.Values());
        var damage = Assert.Single(run.Events);
        Assert.Equal("line 3", damage.Location);
        Assert.Contains("never closed", damage.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_byte_order_mark_and_CRLF_line_ends_are_read_as_plain_text()
    {
        using var tmp = new TempDir();
        var file = tmp.File("v/metrics.csv");
        await File.WriteAllBytesAsync(file, [.. Encoding.UTF8.GetPreamble(), .. "epoch,step,train_loss\r\n0,10,0.5\r\n0,20,0.25\r\n"u8]);
        Assert.Equal(95, new LightningCsvImporter().Detect(file));

        var run = Assert.Single((await new LightningCsvImporter().ImportAsync(file, ImportContext.None)).Runs);
        Assert.Empty(run.Events);
        Assert.Equal([new SeriesPoint(10, 0.5, 0), new SeriesPoint(20, 0.25, 0)], run.Get(MetricNames.TrainLoss)!.Points.ToArray());
    }

    [Fact]
    public async Task NaN_and_infinity_in_every_spelling_are_values_and_huge_numbers_survive()
    {
        using var tmp = new TempDir();
        var run = await ImportAsync(new KerasCsvImporter(), tmp, "training.log", """
            epoch,loss,val_loss
            0,nan,NaN
            1,inf,-inf
            2,Infinity,-Infinity
            3,1e308,-1e308
            4,1e999,-1e999
            5,99999999999999999999,4.9e-324
            """);

        var loss = run.Get(MetricNames.TrainLoss)!.Values();
        var val = run.Get(MetricNames.ValLoss)!.Values();
        Assert.True(double.IsNaN(loss[0]) && double.IsNaN(val[0]));
        Assert.Equal([double.PositiveInfinity, double.PositiveInfinity, 1e308, double.PositiveInfinity, 1e20], loss[1..]);
        Assert.Equal([double.NegativeInfinity, double.NegativeInfinity, -1e308, double.NegativeInfinity, 4.9e-324], val[1..]);
        Assert.Empty(run.Events);
    }

    [Fact]
    public async Task Text_in_a_numeric_column_is_skipped_and_counted_and_a_text_column_is_ignored_with_a_note()
    {
        using var tmp = new TempDir();
        var run = await ImportAsync(new KerasCsvImporter(), tmp, "training.log", """
            epoch,loss,val_loss,optimizer
            0,0.9,abc,adam
            1,0.8,0.7,adam
            2,True,0.6,adam
            """);

        Assert.Equal([0.9, 0.8], run.Get(MetricNames.TrainLoss)!.Values());
        Assert.Equal([1L, 2], run.Get(MetricNames.ValLoss)!.Steps());
        Assert.False(run.Has("train/optimizer"));
        Assert.Equal(3, run.Events.Length);
        Assert.Contains(run.Events, e => e.Kind == RunEventKind.Warning && e.Message.Contains("'loss'", StringComparison.Ordinal) && e.Location == "line 4");
        Assert.Contains(run.Events, e => e.Kind == RunEventKind.Warning && e.Message.Contains("'val_loss'", StringComparison.Ordinal) && e.Location == "line 2");
        Assert.Contains(run.Events, e => e.Kind == RunEventKind.Note && e.Message.Contains("'optimizer' was ignored", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Rows_whose_step_is_not_a_whole_number_are_skipped_and_reported()
    {
        using var tmp = new TempDir();
        var run = await ImportAsync(new LightningCsvImporter(), tmp, "v/metrics.csv", "epoch,step,train_loss\n0,10,1.0\n0,,0.9\n0,10.5,0.8\n0,20.0,0.7\n");

        Assert.Equal([10L, 20], run.Get(MetricNames.TrainLoss)!.Steps());
        var e = Assert.Single(run.Events);
        Assert.Equal(RunEventKind.ImportDamage, e.Kind);
        Assert.Contains("2 rows without a usable 'step'", e.Message, StringComparison.Ordinal);
        Assert.Equal("line 3", e.Location);
    }

    [Fact]
    public async Task Nothing_usable_is_an_error_naming_the_first_bad_line()
    {
        using var tmp = new TempDir();
        var ex = await FailAsync(new LightningCsvImporter(), tmp, "a/metrics.csv", "epoch,step,train_loss\n0,10\n0,20,1,2\n");
        Assert.Equal("line 2", ex.Location);
        Assert.Contains("2 fields where the header has 3", ex.Cause, StringComparison.Ordinal);

        ex = await FailAsync(new CsvMetricsImporter(), tmp, "b.csv", "step,loss\n1,x\n2,y\n");
        Assert.Equal("line 2", ex.Location);
        Assert.Contains("no numeric values", ex.Cause, StringComparison.Ordinal);

        ex = await FailAsync(new CsvMetricsImporter(), tmp, "c.csv", "1,2,3\n4,5,6\n");
        Assert.Equal("line 1", ex.Location);
        Assert.Contains("not column names", ex.Cause, StringComparison.Ordinal);

        ex = await FailAsync(new LightningCsvImporter(), tmp, "d/metrics.csv", "epoch,step\n0,1\n");
        Assert.Contains("no metric columns", ex.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lightning_step_and_epoch_suffixes_map_to_keys_and_keep_their_names()
    {
        using var tmp = new TempDir();
        var run = await ImportAsync(new LightningCsvImporter(), tmp, "v/metrics.csv", """
            epoch,step,test_loss,train_loss_epoch,train_loss_step,val_accuracy,val_loss
            0,49,,,0.9,,
            0,99,,0.8,,0.5,0.7
            1,149,0.6,,,,
            """);

        Assert.Equal(["test/loss", "train/loss", "train/loss_epoch", "val/accuracy", "val/loss"], run.Series.Keys);
        Assert.Equal("train_loss_step", run.Get(MetricNames.TrainLoss)!.OriginalName);
        Assert.Equal("train_loss_epoch", run.Get("train/loss_epoch")!.OriginalName);
        Assert.Equal(new SeriesPoint(149, 0.6, 1), run.Get("test/loss")!.First);
    }

    [Fact]
    public async Task The_first_column_keeps_a_contested_key_and_the_other_keeps_its_name()
    {
        using var tmp = new TempDir();
        var run = await ImportAsync(new LightningCsvImporter(), tmp, "v/metrics.csv", "epoch,step,train_loss,train_loss_step\n0,1,,0.5\n0,2,0.4,\n");

        Assert.Equal("train_loss", run.Get(MetricNames.TrainLoss)!.OriginalName);
        Assert.Equal([0.4], run.Get(MetricNames.TrainLoss)!.Values());
        Assert.Equal([0.5], run.Get("train_loss_step")!.Values());
    }

    [Fact]
    public async Task Duplicate_and_empty_column_names_are_kept_apart_with_a_note()
    {
        using var tmp = new TempDir();
        var run = await ImportAsync(new CsvMetricsImporter(), tmp, "log.csv", "step,loss,loss,\n1,0.5,0.6,7\n");

        Assert.Equal([0.5], run.Get(MetricNames.TrainLoss)!.Values());
        Assert.Equal([0.6], run.Get("train/loss#2")!.Values());
        Assert.Equal("loss#2", run.Get("train/loss#2")!.OriginalName);
        Assert.Equal([7.0], run.Get("column 4")!.Values());
        Assert.Contains(run.Events, e => e.Kind == RunEventKind.Note && e.Message.Contains("'loss' appears more than once", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_damaged_hparams_file_is_reported_and_the_metrics_are_kept()
    {
        using var tmp = new TempDir();
        await File.WriteAllTextAsync(tmp.File("v/hparams.yaml"), "lr: 0.1\nmodel: a: b\n");
        var run = await ImportAsync(new LightningCsvImporter(), tmp, "v/metrics.csv", "epoch,step,train_loss\n0,1,0.5\n");

        Assert.Equal([0.5], run.Get(MetricNames.TrainLoss)!.Values());
        Assert.Equal(0, run.Config.Count);
        var damage = Assert.Single(run.Events);
        Assert.Equal(RunEventKind.ImportDamage, damage.Kind);
        Assert.EndsWith("hparams.yaml", damage.File, StringComparison.Ordinal);
        Assert.Equal("line 2", damage.Location);
    }

    [Theory]
    [InlineData("flow")]
    [InlineData("block")]
    public async Task Hparams_nested_a_hundred_thousand_levels_deep_are_refused_without_running_out_of_stack(string style)
    {
        using var tmp = new TempDir();
        var deep = style == "flow" ? "x: " + new string('[', 100_000) : "x:\n" + string.Concat(Enumerable.Repeat("- ", 100_000)) + "1\n";
        await File.WriteAllTextAsync(tmp.File("v/hparams.yaml"), "lr: 0.1\n" + deep);
        var run = await ImportAsync(new LightningCsvImporter(), tmp, "v/metrics.csv", "epoch,step,train_loss\n0,1,0.5\n");

        Assert.Equal([0.5], run.Get(MetricNames.TrainLoss)!.Values());
        var damage = Assert.Single(run.Events);
        Assert.Equal(RunEventKind.ImportDamage, damage.Kind);
        Assert.Contains("nested deeper than 64 levels", damage.Message, StringComparison.Ordinal);
        Assert.Equal(style == "flow" ? "line 2" : "line 3", damage.Location);
    }

    [Fact]
    public async Task Hparams_with_python_tags_and_nesting_become_dotted_keys()
    {
        using var tmp = new TempDir();
        await File.WriteAllTextAsync(tmp.File("v/hparams.yaml"), """
            args: !!python/object:argparse.Namespace
              lr: 0.001
              name: "run 1"
            optimizer:
              name: adam
              betas: [0.9, 0.999]
            use_amp: true
            seed: null
            base: &base {a: 1}
            copy: *base
            """);
        var run = await ImportAsync(new LightningCsvImporter(), tmp, "v/metrics.csv", "epoch,step,train_loss\n0,1,0.5\n");

        Assert.Empty(run.Events);
        Assert.Equal(0.001, run.Config.Number("args.lr"));
        Assert.Equal("run 1", run.Config.Get("args.name")!.Value.Text);
        Assert.Equal("adam", run.Config.Get("optimizer.name")!.Value.Text);
        Assert.Equal("[0.9, 0.999]", run.Config.Get("optimizer.betas")!.Value.Text);
        Assert.True(run.Config.Get("use_amp")!.Value.Boolean);
        Assert.Equal(ConfigValueKind.Null, run.Config.Get("seed")!.Value.Kind);
        Assert.Equal(1, run.Config.Number("base.a"));
        Assert.Equal("*base", run.Config.Get("copy")!.Value.Text);
    }

    [Fact]
    public async Task A_folder_with_a_tensorboard_event_file_beside_metrics_csv_is_not_claimed()
    {
        using var tmp = new TempDir();
        await File.WriteAllTextAsync(tmp.File("v/metrics.csv"), "epoch,step,train_loss\n0,1,0.5\n");
        await File.WriteAllBytesAsync(tmp.File("v/events.out.tfevents.1.host"), [0]);
        Assert.Equal(0, new LightningCsvImporter().Detect(Path.Combine(tmp.Path, "v")));
    }

    [Fact]
    public async Task A_big_file_reports_progress_and_reads_every_row()
    {
        using var tmp = new TempDir();
        var file = tmp.File("big.csv");
        var sb = new StringBuilder("step,epoch,loss,accuracy\n");
        for (var i = 0; i < 200_000; i++)
        {
            sb.Append(i).Append(',').Append(i / 1000).Append(",0.").Append(i % 1000).Append(",0.5\n");
        }

        await File.WriteAllTextAsync(file, sb.ToString());
        var reports = new List<ImportProgress>();
        var progress = new Progress(reports);
        var run = Assert.Single((await new CsvMetricsImporter().ImportAsync(file, new ImportContext { Progress = progress })).Runs);

        Assert.Equal(200_000, run.Get(MetricNames.TrainLoss)!.Count);
        Assert.Equal(new SeriesPoint(199_999, 0.999, 199), run.Get(MetricNames.TrainLoss)!.Last);
        Assert.True(reports.Count >= 3);
        Assert.Equal(new FileInfo(file).Length, reports[^1].Done);
    }

    private sealed class Progress(List<ImportProgress> into) : IProgress<ImportProgress>
    {
        public void Report(ImportProgress value)
        {
            lock (into)
            {
                into.Add(value);
            }
        }
    }
}

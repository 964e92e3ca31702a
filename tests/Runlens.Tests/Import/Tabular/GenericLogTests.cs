using Runlens.Import;
using Runlens.Import.Tabular;
using Runlens.Model;
using Runlens.Tests.Support;

namespace Runlens.Tests.Import.Tabular;

/// <summary>Plain CSV and JSON Lines metric logs, and Keras History dumps in their less common shapes.</summary>
public sealed class GenericLogTests
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

    [Theory]
    [InlineData("step")]
    [InlineData("global_step")]
    [InlineData("iteration")]
    [InlineData("iter")]
    [InlineData("_step")]
    public async Task A_csv_takes_its_steps_from_any_step_column_before_epoch(string stepColumn)
    {
        using var tmp = new TempDir();
        var run = await ImportAsync(new CsvMetricsImporter(), tmp, "log.csv", $"epoch,{stepColumn},loss,eval_loss\n0,100,2.0,\n0,200,1.5,1.7\n1,300,1.2,\n");

        Assert.Equal("csv", run.Identity.Source.Format);
        Assert.Equal("log", run.Identity.Name);
        Assert.Equal([new SeriesPoint(100, 2.0, 0), new SeriesPoint(200, 1.5, 0), new SeriesPoint(300, 1.2, 1)], run.Get(MetricNames.TrainLoss)!.Points.ToArray());
        Assert.Equal([new SeriesPoint(200, 1.7, 0)], run.Get(MetricNames.ValLoss)!.Points.ToArray());
        Assert.Equal(2, run.Series.Count);
        Assert.Equal(300, run.Trainer.GlobalStep);
    }

    [Fact]
    public async Task A_csv_without_a_step_column_uses_epoch_then_the_row_index()
    {
        using var tmp = new TempDir();
        var byEpoch = await ImportAsync(new CsvMetricsImporter(), tmp, "a.csv", "epoch,accuracy\n1,0.5\n2,0.6\n");
        Assert.Equal([new SeriesPoint(1, 0.5, 1), new SeriesPoint(2, 0.6, 2)], byEpoch.Get("train/accuracy")!.Points.ToArray());

        var byRow = await ImportAsync(new CsvMetricsImporter(), tmp, "b.tsv", "loss\tval_loss\n0.9\t\n0.8\t0.85\n");
        Assert.Equal([0L, 1], byRow.Get(MetricNames.TrainLoss)!.Steps());
        Assert.Equal([1L], byRow.Get(MetricNames.ValLoss)!.Steps());
    }

    [Fact]
    public async Task Fractional_epochs_are_kept_as_epochs_and_the_row_index_gives_the_step()
    {
        using var tmp = new TempDir();
        var csv = await ImportAsync(new CsvMetricsImporter(), tmp, "a.csv", "epoch,loss\n0.5,2.0\n1.0,1.5\n1.5,1.2\n");
        Assert.Equal([new SeriesPoint(0, 2.0, 0.5), new SeriesPoint(1, 1.5, 1.0), new SeriesPoint(2, 1.2, 1.5)], csv.Get(MetricNames.TrainLoss)!.Points.ToArray());
        Assert.Contains("0-based row number", Assert.Single(csv.Events, e => e.Kind == RunEventKind.Note).Message, StringComparison.Ordinal);
        Assert.Single(csv.Events);

        var jsonl = await ImportAsync(new JsonlMetricsImporter(), tmp, "b.jsonl", "{\"epoch\": 0.5, \"loss\": 2.0}\n{\"epoch\": 1.0, \"loss\": 1.5}\n");
        Assert.Equal([new SeriesPoint(0, 2.0, 0.5), new SeriesPoint(1, 1.5, 1.0)], jsonl.Get(MetricNames.TrainLoss)!.Points.ToArray());
        Assert.Contains("0-based record number", Assert.Single(jsonl.Events).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_csv_timestamp_column_becomes_wall_time_and_text_columns_are_noted()
    {
        using var tmp = new TempDir();
        var run = await ImportAsync(new CsvMetricsImporter(), tmp, "log.csv", "step,timestamp,phase,loss\n1,1700000000.5,train,0.5\n2,1700000001.5,train,0.4\n");

        Assert.Equal([1700000000.5, 1700000001.5], run.Get(MetricNames.TrainLoss)!.Points.Select(p => p.WallTime));
        Assert.Single(run.Series);
        var note = Assert.Single(run.Events);
        Assert.Equal(RunEventKind.Note, note.Kind);
        Assert.Contains("'phase' was ignored", note.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_jsonl_log_reads_steps_nested_objects_and_python_non_finite_tokens()
    {
        using var tmp = new TempDir();
        var run = await ImportAsync(new JsonlMetricsImporter(), tmp, "metrics.jsonl", """
            {"step": 10, "epoch": 0.5, "loss": 2.0, "lr": 1e-4, "_timestamp": 1700000000}
            {"step": 20, "epoch": 1.0, "loss": NaN, "eval": {"loss": 1.8, "accuracy": 0.4}, "note": "checkpoint"}

            {"step": 30, "epoch": 1.5, "loss": Infinity, "grad_norm": -Infinity, "eval": {"loss": "1.7"}}
            """);

        Assert.Equal("jsonl", run.Identity.Source.Format);
        var loss = run.Get(MetricNames.TrainLoss)!;
        Assert.Equal([10L, 20, 30], loss.Steps());
        Assert.Equal(2.0, loss.First.Value);
        Assert.True(double.IsNaN(loss.Points[1].Value));
        Assert.Equal(double.PositiveInfinity, loss.Last.Value);
        Assert.Equal(1.5, loss.Last.Epoch);
        Assert.Equal(1700000000, loss.First.WallTime);
        Assert.Equal([1.8, 1.7], run.Get(MetricNames.ValLoss)!.Values());
        Assert.Equal("eval/loss", run.Get(MetricNames.ValLoss)!.OriginalName);
        Assert.Equal([0.4], run.Get("val/accuracy")!.Values());
        Assert.Equal(double.NegativeInfinity, run.Get(MetricNames.GradNorm)!.First.Value);
        Assert.Equal(1e-4, run.Get(MetricNames.LearningRate)!.First.Value);
        var note = Assert.Single(run.Events);
        Assert.Equal(RunEventKind.Note, note.Kind);
        Assert.Contains("'note' was ignored", note.Message, StringComparison.Ordinal);
        Assert.Equal("line 2", note.Location);
    }

    [Fact]
    public async Task A_jsonl_log_skips_damaged_lines_and_reports_them()
    {
        using var tmp = new TempDir();
        var run = await ImportAsync(new JsonlMetricsImporter(), tmp, "m.jsonl",
            "{\"_step\": 0, \"loss\": 1.0}\n{\"_step\": 1, \"loss\": 0.9\n[1, 2]\n{\"_step\": 3, \"loss\": 0.7}\n{\"loss\": 0.6}\n{\"_step\": 5, \"lo");

        Assert.Equal([0L, 3, 3], run.Get(MetricNames.TrainLoss)!.Steps());
        Assert.Equal([1.0, 0.7, 0.6], run.Get(MetricNames.TrainLoss)!.Values());
        var damage = run.Events.Where(e => e.Kind == RunEventKind.ImportDamage).ToList();
        Assert.Equal(["line 2", "line 3", "line 6"], damage.Select(e => e.Location));
        Assert.Contains("not a JSON object", damage[1].Message, StringComparison.Ordinal);
        var carried = Assert.Single(run.Events, e => e.Kind == RunEventKind.Warning);
        Assert.Contains("1 objects had no usable '_step'", carried.Message, StringComparison.Ordinal);
        Assert.Equal("line 5", carried.Location);
    }

    [Fact]
    public async Task A_jsonl_log_without_steps_uses_the_record_index()
    {
        using var tmp = new TempDir();
        var run = await ImportAsync(new JsonlMetricsImporter(), tmp, "m.jsonl", "{\"loss\": 1.0}\n{\"loss\": 0.5, \"val_loss\": 0.7}\n");
        Assert.Equal([0L, 1], run.Get(MetricNames.TrainLoss)!.Steps());
        Assert.Equal([1L], run.Get(MetricNames.ValLoss)!.Steps());
    }

    [Fact]
    public async Task A_jsonl_log_with_nothing_usable_is_an_error()
    {
        using var tmp = new TempDir();
        var ex = await FailAsync(new JsonlMetricsImporter(), tmp, "a.jsonl", "");
        Assert.Contains("empty", ex.Cause, StringComparison.Ordinal);
        ex = await FailAsync(new JsonlMetricsImporter(), tmp, "b.jsonl", "not json\n{\"a\": \"text\"}\n");
        Assert.Equal("line 1", ex.Location);
        ex = await FailAsync(new JsonlMetricsImporter(), tmp, "c.jsonl", "{\"step\": 1}\n{\"step\": 2}\n");
        Assert.Contains("no numeric values", ex.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_whole_history_object_gives_epoch_numbers_params_and_skips_nulls_with_a_warning()
    {
        using var tmp = new TempDir();
        var run = await ImportAsync(new KerasHistoryImporter(), tmp, "run7/history.json", """
            {"epoch": [3, 4, 5],
             "history": {"loss": [0.5, NaN, 0.3], "val_loss": [Infinity, null, "0.45"], "val_acc": [-Infinity, 0.5, [1]]},
             "params": {"epochs": 6, "steps": 100, "verbose": "auto"},
             "model_name": "cnn"}
            """);

        Assert.Equal("run7", run.Identity.Name);
        var loss = run.Get(MetricNames.TrainLoss)!;
        Assert.Equal([3L, 4, 5], loss.Steps());
        Assert.Equal([3.0, 4, 5], loss.Points.Select(p => p.Epoch));
        Assert.True(double.IsNaN(loss.Points[1].Value));
        Assert.Equal([double.PositiveInfinity, 0.45], run.Get(MetricNames.ValLoss)!.Values());
        Assert.Equal([3L, 5], run.Get(MetricNames.ValLoss)!.Steps());
        Assert.Equal([double.NegativeInfinity, 0.5], run.Get("val/accuracy")!.Values());
        Assert.Equal(6, run.Config.Number("params.epochs"));
        Assert.Equal("auto", run.Config.Get("params.verbose")!.Value.Text);
        Assert.Contains(run.Events, e => e.Kind == RunEventKind.Warning && e.Message.Contains("'val_acc' has 1 elements", StringComparison.Ordinal));
        Assert.Contains(run.Events, e => e.Kind == RunEventKind.Note && e.Message.Contains("'model_name'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_truncated_history_keeps_the_values_read_and_reports_offset_and_line()
    {
        using var tmp = new TempDir();
        var run = await ImportAsync(new KerasHistoryImporter(), tmp, "h.json", "{\"loss\": [0.5, 0.4],\n \"val_loss\": [0.6, 0.");

        Assert.Equal([0.5, 0.4], run.Get(MetricNames.TrainLoss)!.Values());
        Assert.Equal([0.6], run.Get(MetricNames.ValLoss)!.Values());
        var damage = Assert.Single(run.Events);
        Assert.Equal(RunEventKind.ImportDamage, damage.Kind);
        Assert.StartsWith("offset ", damage.Location, StringComparison.Ordinal);
        Assert.EndsWith("line 2", damage.Location, StringComparison.Ordinal);
        Assert.Contains("3 values read before it were kept", damage.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_history_file_with_nothing_usable_is_an_error()
    {
        using var tmp = new TempDir();
        var ex = await FailAsync(new KerasHistoryImporter(), tmp, "a.json", "[1, 2, 3]");
        Assert.Contains("not a JSON object", ex.Cause, StringComparison.Ordinal);
        ex = await FailAsync(new KerasHistoryImporter(), tmp, "b.json", "{}");
        Assert.Contains("no list", ex.Cause, StringComparison.Ordinal);
        ex = await FailAsync(new KerasHistoryImporter(), tmp, "c.json", "{\"loss\": []}");
        Assert.Contains("empty", ex.Cause, StringComparison.Ordinal);
        ex = await FailAsync(new KerasHistoryImporter(), tmp, "d.json", "{\"loss\": [0.");
        Assert.StartsWith("offset ", ex.Location, StringComparison.Ordinal);
        ex = await FailAsync(new KerasHistoryImporter(), tmp, "e.json", "");
        Assert.Contains("invalid JSON", ex.Cause, StringComparison.Ordinal);
    }
}

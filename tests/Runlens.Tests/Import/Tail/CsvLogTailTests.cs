using System.Globalization;
using System.Text;
using Runlens.Import;
using Runlens.Import.Tail;
using Runlens.Model;
using Runlens.Tests.Support;

namespace Runlens.Tests.Import.Tail;

/// <summary>Metric CSVs (plain, Lightning's metrics.csv, Keras' training.log) tailed while they grow, against the importer
/// reading the same bytes whole.</summary>
public sealed class CsvLogTailTests
{
    /// <summary>A plain metric CSV with what the importer treats specially: nan/inf values, empty cells, a damaged row (too
    /// many fields), a row without a step, a text cell in a numeric column, a text-only column, blank lines, CRLF ends.</summary>
    private static string PlainLog(int rows)
    {
        var b = new StringBuilder("step,loss,eval_loss,note,epoch\r\n");
        for (var i = 1; i <= rows; i++)
        {
            var loss = i % 97 == 0 ? "nan" : i % 131 == 0 ? "inf" : (2.0 / (1 + (i / 50.0))).ToString("R", CultureInfo.InvariantCulture);
            var eval = i % 10 == 0 ? (1.0 / (1 + (i / 70.0))).ToString("R", CultureInfo.InvariantCulture) : i % 173 == 0 ? "oops" : "";
            b.Append(CultureInfo.InvariantCulture, $"{i},{loss},{eval},\"ok, {i}\",{i / 100}\r\n");
            if (i % 53 == 0)
            {
                b.Append("\r\n");
            }

            if (i % 211 == 0)
            {
                b.Append("12,0.5,0.4,x,1,extra\r\n,0.3,,y,1\r\n");
            }
        }

        return b.ToString();
    }

    [Fact]
    public async Task A_metric_csv_appended_in_pieces_cut_anywhere_reads_as_the_importer_reads_it_whole()
    {
        using var dir = new TempDir();
        var path = dir.File("log.csv");
        var bytes = Encoding.UTF8.GetBytes(PlainLog(1200));
        const int first = 200; // whole rows, so that the format is detected as a metric CSV
        await File.WriteAllBytesAsync(path, bytes.AsSpan(0, first).ToArray());
        using var tail = LogTails.TryOpen(path) ?? throw new InvalidOperationException("a metric CSV is tailable");
        var compared = await TailAssert.AppendInPieces(tail, path, [new GrowingFile(path, bytes, first)], _ => 3000, seed: 7, minLines: 2);

        Assert.True(compared > 10, $"{compared} looks compared");
        var events = tail.Snapshot().Events;
        Assert.Contains(events, e => e.Kind == RunEventKind.ImportDamage && e.Message.Contains("fields where the header has", StringComparison.Ordinal));
        Assert.Contains(events, e => e.Message.Contains("column 'note' was ignored", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Each_look_reads_only_the_new_rows_and_hands_over_their_non_finite_values()
    {
        using var dir = new TempDir();
        var path = dir.File("log.csv");
        await File.WriteAllTextAsync(path, "step,loss,grad_norm\n1,1.0,0.5\n2,0.9,0.4\n");
        using var tail = LogTails.TryOpen(path)!;
        Assert.Equal(4, tail.Read().NewPoints);

        await File.AppendAllTextAsync(path, "3,nan,inf\n4,0.");
        var read = tail.Read();
        Assert.Equal(2, read.NewPoints);
        Assert.Equal(6, read.Points);
        Assert.Equal(3, read.LastStep);
        Assert.Equal([("loss", 3L), ("grad_norm", 3L)], read.NonFinite.Select(x => (x.Name, x.Point.Step)));

        Assert.Equal(0, tail.Read().NewPoints); // the row being written waits for its end
        await File.AppendAllTextAsync(path, "7,0.3\n");
        read = tail.Read();
        Assert.Equal(2, read.NewPoints);
        Assert.Empty(read.NonFinite);
        Assert.Equal(4, read.LastStep);
        Assert.Equal(0.7, tail.Snapshot().Series["train/loss"].Points[^1].Value);
    }

    [Fact]
    public async Task A_log_whose_header_is_still_being_written_has_no_run_yet_then_reads_on()
    {
        using var dir = new TempDir();
        var path = dir.File("training.log");
        await File.WriteAllTextAsync(path, "epoch,loss,val_loss\n");
        using var tail = LogTails.TryOpen(path) ?? throw new InvalidOperationException("a Keras log is tailable");
        Assert.Equal(0, tail.Read().NewPoints);
        var none = Assert.Throws<RunImportException>(() => tail.Snapshot());
        Assert.Contains("no data rows", none.Message, StringComparison.Ordinal);

        await File.AppendAllTextAsync(path, "0,0.9,1.1\n1,0.7,0.95\n");
        Assert.Equal(4, tail.Read().NewPoints);
        TailAssert.SameRun(await TailAssert.ImportWhole(path), tail.Snapshot());
    }

    public static TheoryData<string, string> RealCsvLogs() => new()
    {
        { "lightning-csv-mnist-cnn", "metrics.csv" },
        { "keras-csvlogger-brats-unet-lr-plateau", "training.log" },
    };

    /// <summary>Real Lightning and Keras logs from <c>examples/</c>, appended in pieces; the Lightning run is watched as
    /// its version folder and as its file (a folder holding a Keras log is read as a folder of runs, not tailed).</summary>
    [Theory]
    [MemberData(nameof(RealCsvLogs))]
    public async Task A_real_csv_log_appended_in_pieces_reads_as_the_importer_reads_it_whole(string example, string file)
    {
        var bytes = await File.ReadAllBytesAsync(Path.Combine(Fixtures.Example(example), file));
        var headerEnd = Array.IndexOf(bytes, (byte)'\n') + 1;
        foreach (var asFolder in file == "metrics.csv" ? new[] { false, true } : [false])
        {
            using var dir = new TempDir();
            var folder = Directory.CreateDirectory(Path.Combine(dir.Path, example)).FullName;
            var path = Path.Combine(folder, file);
            await File.WriteAllBytesAsync(path, bytes.AsSpan(0, headerEnd + 1).ToArray()); // the header and a byte of the first row
            using var tail = LogTails.TryOpen(asFolder ? folder : path) ?? throw new InvalidOperationException(file + " is tailable");
            Assert.IsType<CsvLogTail>(tail);
            var compared = await TailAssert.AppendInPieces(tail, asFolder ? folder : path, [new GrowingFile(path, bytes, headerEnd + 1)],
                length => length / 10, seed: 11, minLines: 2);
            Assert.True(compared >= 5, $"{compared} looks compared");
        }
    }

    /// <summary>What Lightning's CSVLogger does (<c>ExperimentWriter.save</c>): the column set is sorted, and when a new
    /// column appears the whole file is written again with the new header, then the new rows are appended.</summary>
    private static string Lightning(IReadOnlyList<Dictionary<string, double>> rows)
    {
        var keys = rows.SelectMany(r => r.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        var b = new StringBuilder(string.Join(',', keys)).Append("\r\n");
        foreach (var row in rows)
        {
            b.Append(string.Join(',', keys.Select(k => row.TryGetValue(k, out var v) ? v.ToString("R", CultureInfo.InvariantCulture) : ""))).Append("\r\n");
        }

        return b.ToString();
    }

    [Fact]
    public async Task Lightning_rewriting_metrics_csv_with_a_new_column_is_seen_and_the_file_is_read_again()
    {
        using var dir = new TempDir();
        var path = dir.File("metrics.csv");
        // long column names, so that the header is longer than the 64 bytes a JSON Lines tail checks
        var rows = new List<Dictionary<string, double>>();
        for (var step = 0; step < 40; step++)
        {
            rows.Add(new() { ["epoch"] = 0, ["step"] = step, ["train_loss_step_with_a_long_name"] = 2.0 - (step * 0.01), ["train_accuracy_step_with_a_long_name"] = 0.5 });
        }

        await File.WriteAllTextAsync(path, Lightning(rows));
        using var tail = LogTails.TryOpen(path) ?? throw new InvalidOperationException("metrics.csv is tailable");
        Assert.Equal(80, tail.Read().NewPoints);

        // the first validation adds val_loss: the file is written again with the new (sorted) header, then rows are added
        rows.Add(new() { ["epoch"] = 0, ["step"] = 39, ["val_loss"] = 1.5 });
        await File.WriteAllTextAsync(path, Lightning(rows));
        var read = tail.Read();
        Assert.NotNull(read.Restarted);
        Assert.Contains("reading it again from the start", read.Restarted, StringComparison.Ordinal);
        Assert.Equal(81, read.Points);
        TailAssert.SameRun(await TailAssert.ImportWhole(path), tail.Snapshot());
        Assert.Equal([(39L, 1.5)], tail.Snapshot().Series["val/loss"].Points.Select(p => (p.Step, p.Value)));

        // and the writer appends as before
        await File.AppendAllTextAsync(path, "1,40,,1.9,\r\n");
        read = tail.Read();
        Assert.Null(read.Restarted);
        Assert.Equal(1, read.NewPoints);
        TailAssert.SameRun(await TailAssert.ImportWhole(path), tail.Snapshot());
    }

    [Fact]
    public async Task A_look_during_the_rewrite_reads_what_is_there_and_the_next_look_reads_on()
    {
        using var dir = new TempDir();
        var path = dir.File("metrics.csv");
        var rows = Enumerable.Range(0, 300).Select(s => new Dictionary<string, double> { ["epoch"] = 0, ["step"] = s, ["train_loss"] = 1.0 / (1 + s) }).ToList();
        await File.WriteAllTextAsync(path, Lightning(rows));
        using var tail = LogTails.TryOpen(path)!;
        tail.Read();

        // the rewrite truncates the file and writes it again in buffered pieces: a look may fall between two pieces
        rows.Add(new() { ["epoch"] = 0, ["step"] = 299, ["val_loss"] = 0.5 });
        var rewritten = Encoding.UTF8.GetBytes(Lightning(rows));
        await File.WriteAllBytesAsync(path, rewritten.AsSpan(0, 4000).ToArray());
        var read = tail.Read();
        Assert.NotNull(read.Restarted);
        TailAssert.SameRun(await TailAssert.ImportWhole(path), tail.Snapshot());

        await using (var f = new FileStream(path, FileMode.Append))
        {
            await f.WriteAsync(rewritten.AsMemory(4000));
        }

        read = tail.Read();
        Assert.Null(read.Restarted);
        TailAssert.SameRun(await TailAssert.ImportWhole(path), tail.Snapshot());
        Assert.Equal(301, read.Points);
    }

    [Fact]
    public async Task A_csv_with_numbers_for_a_header_gives_the_importers_error_until_it_is_replaced()
    {
        using var dir = new TempDir();
        var path = dir.File("log.csv");
        await File.WriteAllTextAsync(path, "step,loss\n1,0.5\n");
        using var tail = LogTails.TryOpen(path)!;
        tail.Read();
        await File.WriteAllTextAsync(path, "1,2\n3,4\n5,6\n");
        Assert.NotNull(tail.Read().Restarted);
        var error = Assert.Throws<RunImportException>(() => tail.Snapshot());
        var whole = await Assert.ThrowsAsync<RunImportException>(() => new Runlens.Import.Tabular.CsvMetricsImporter().ImportAsync(path, new ImportContext { Live = true }));
        Assert.Contains("the first row holds numbers", whole.Message, StringComparison.Ordinal);
        Assert.Equal(whole.Message, error.Message);
    }
}

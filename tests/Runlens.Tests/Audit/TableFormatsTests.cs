using Apache.Arrow;
using Apache.Arrow.Ipc;
using Runlens.Audit;
using Runlens.Tests.Support;

namespace Runlens.Tests.Audit;

/// <summary>Parquet files and Hugging Face datasets saved to disk (Arrow IPC streams under a dataset dict) are audited
/// like CSV: the same rows, labels, splits and findings. The files are written by Parquet.Net and Apache.Arrow.</summary>
public sealed class TableFormatsTests
{
    private static readonly string[] Texts =
    [
        "the model learns from the data it is given",
        "a validation split measures what the model has not seen",
        "the learning rate sets the size of each step",
        "an epoch is one pass over the training data",
        "early stopping keeps the best checkpoint",
        "dropout randomly zeroes activations during training",
    ];

    [Fact]
    public async Task A_saved_dataset_dict_of_arrow_streams_is_read_with_its_splits_and_a_leak_between_them()
    {
        using var dir = new TempDir();
        await File.WriteAllTextAsync(dir.File("ds/dataset_dict.json"), "{\"splits\": [\"train\", \"test\"]}");
        await WriteArrowAsync(dir.File("ds/train/data-00000-of-00001.arrow"), Texts, [0, 1, 0, 1, 0, 1]);
        await WriteArrowAsync(dir.File("ds/test/data-00000-of-00001.arrow"), [Texts[2], "a test sentence that appears nowhere else at all"], [0, 1]);
        await File.WriteAllTextAsync(dir.File("ds/train/dataset_info.json"), "{}");

        var result = await AuditRunner.RunAsync(Path.Combine(dir.Path, "ds"), new AuditOptions());
        Assert.Equal(["train", "test"], result.Splits.Select(s => s.Name));
        Assert.Equal(8, result.Examples.Count(e => e.Kind == "text"));
        Assert.Equal(["0", "1"], result.Splits[0].Classes.Select(c => c.Label));
        var leak = Assert.Single(result.Findings, f => f.Rule == "split-leakage");
        Assert.EndsWith("test/data-00000-of-00001.arrow#1", Assert.Single(leak.Issues).File, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_parquet_table_gives_the_same_rows_labels_and_findings_as_the_same_table_in_csv()
    {
        using var dir = new TempDir();
        var rows = Enumerable.Range(0, 60).Select(i => new Row(i + 1, Math.Round(5 + Math.Sin(i), 3), i == 10 ? -999 : Math.Round(3 + Math.Cos(i), 3), i < 30 ? "a" : "b")).ToList();
        await Parquet.Serialization.ParquetSerializer.SerializeAsync(rows, dir.File("pq/data.parquet"));
        await File.WriteAllLinesAsync(dir.File("csv/data.csv"), ["Id,X,Y,Label", .. rows.Select(r => FormattableString.Invariant($"{r.Id},{r.X},{r.Y},{r.Label}"))]);

        var pq = await AuditRunner.RunAsync(Path.Combine(dir.Path, "pq"), new AuditOptions());
        var csv = await AuditRunner.RunAsync(Path.Combine(dir.Path, "csv"), new AuditOptions());
        Assert.Equal(60, pq.Examples.Length);
        Assert.Equal(csv.Examples.Select(e => (e.Id, e.Label, e.Sha256)), pq.Examples.Select(e => (e.Id, e.Label, e.Sha256)));
        Assert.Equal(csv.Findings.Select(f => (f.Rule, f.Issues.Length)), pq.Findings.Select(f => (f.Rule, f.Issues.Length)));
        Assert.Contains(pq.Findings, f => f.Rule == "id-predicts-label");
        Assert.Contains(Assert.Single(pq.Findings, f => f.Rule == "out-of-range-values").Issues, i => i.Value == -999);
    }

    [Fact]
    public async Task An_unreadable_table_is_a_finding_not_a_crash()
    {
        using var dir = new TempDir();
        await File.WriteAllBytesAsync(dir.File("t/broken.parquet"), [.. "PAR1"u8, 1, 2, 3, 4, 5, 6, 7, 8, .. "PAR1"u8]);
        await File.WriteAllTextAsync(dir.File("t/ok.csv"), "x,label\n1,a\n2,b\n");
        var result = await AuditRunner.RunAsync(Path.Combine(dir.Path, "t"), new AuditOptions());
        var issue = Assert.Single(Assert.Single(result.Findings, f => f.Rule == "unreadable-file").Issues);
        Assert.EndsWith("broken.parquet", issue.File, StringComparison.Ordinal);
        Assert.Contains("cannot be read as parquet", issue.Reason, StringComparison.Ordinal);
    }

    private static async Task WriteArrowAsync(string path, IReadOnlyList<string> texts, IReadOnlyList<long> labels)
    {
        var text = new StringArray.Builder().AppendRange(texts).Build();
        var label = new Int64Array.Builder().AppendRange(labels).Build();
        var batch = new RecordBatch.Builder().Append("text", false, text).Append("label", false, label).Build();
        await using var stream = File.Create(path);
        using var writer = new ArrowStreamWriter(stream, batch.Schema);
        await writer.WriteRecordBatchAsync(batch);
        await writer.WriteEndAsync();
    }

    /// <summary>A row of the Parquet table.</summary>
    public sealed record Row(int Id, double X, double Y, string Label);
}

using System.Text;
using Runlens.Import;
using Runlens.Import.Tail;
using Runlens.Model;
using Runlens.Tests.Support;
using static Runlens.Tests.Import.Mlflow.MlflowTestRuns;

namespace Runlens.Tests.Import.Tail;

/// <summary>MLflow run folders whose metric files grow (and appear) while they are tailed, against the importer reading
/// the folder whole.</summary>
public sealed class MlflowRunTailTests
{
    private const string Id = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

    private static async Task Append(string file, ReadOnlyMemory<byte> bytes)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await using var f = new FileStream(file, FileMode.Append);
        await f.WriteAsync(bytes);
    }

    /// <summary>Appends each metric's bytes in pieces cut anywhere, the metrics in turn, looking after each piece and
    /// comparing with a whole import; the number of looks compared.</summary>
    private static async Task<int> GrowAndCompare(string runDir, ILogTail tail, IReadOnlyList<(string Key, byte[] Bytes)> metrics, int pieces, int seed)
    {
        var random = new Random(seed);
        var written = new int[metrics.Count];
        long points = 0;
        var compared = 0;
        while (true)
        {
            var read = tail.Read();
            points += read.NewPoints;
            Assert.Null(read.Restarted);
            Assert.Equal(points, read.Points);
            var whole = await TailAssert.ImportWhole(runDir);
            TailAssert.SameRun(whole, tail.Snapshot());
            Assert.Equal(whole.Series.Values.Sum(s => (long)s.Count), read.Points);
            Assert.Equal(whole.LastStep, read.LastStep);
            compared++;
            var open = Enumerable.Range(0, metrics.Count).Where(i => written[i] < metrics[i].Bytes.Length).ToList();
            if (open.Count == 0)
            {
                return compared;
            }

            var m = open[random.Next(open.Count)];
            var bytes = metrics[m].Bytes;
            var take = Math.Min(bytes.Length - written[m], random.Next(1, Math.Max(2, bytes.Length / pieces)));
            await Append(Path.Combine(runDir, "metrics", metrics[m].Key.Replace('/', Path.DirectorySeparatorChar)), bytes.AsMemory(written[m], take));
            written[m] += take;
        }
    }

    /// <summary>A line whose value is no number, in the middle of <paramref name="lines"/>.</summary>
    private static string WithDamage(string lines) => lines.Insert(lines.IndexOf('\n', lines.Length / 2) + 1, "1700000000000 oops 200\n");

    [Fact]
    public async Task Metric_files_growing_and_appearing_read_as_the_importer_reads_the_run_folder_whole()
    {
        using var tmp = new TempDir();
        var exp = Experiment(Path.Combine(tmp.Path, "mlruns"), "3", "sweep");
        var run = Run(exp, Id, NewMeta(Id, "growing", status: 1), parameters: new Dictionary<string, string> { ["lr"] = "0.001" },
            tags: new Dictionary<string, string> { ["mlflow.runName"] = "growing" });
        using var tail = LogTails.TryOpen(run) ?? throw new InvalidOperationException("an MLflow run folder is tailable");
        Assert.IsType<MlflowRunTail>(tail);

        // "accuracy" alone is an evaluation metric; once "loss" appears bare names are training values: the keys change
        var metrics = new List<(string, byte[])>
        {
            ("accuracy", Encoding.UTF8.GetBytes(Lines(400, i => 0.5 + (i / 1000.0)))),
            ("loss", Encoding.UTF8.GetBytes(WithDamage(Lines(400, i => i % 97 == 0 ? double.NaN : 2.0 / (1 + i))))),
            ("val/loss", Encoding.UTF8.GetBytes(Lines(40, i => 1.0 / (1 + i)))),
        };
        var compared = await GrowAndCompare(run, tail, metrics, 12, 5);
        Assert.True(compared > 20, $"{compared} looks compared");
        var snapshot = tail.Snapshot();
        Assert.Contains("train/loss", snapshot.Series.Keys);
        Assert.Contains(snapshot.Events, e => e.Kind == RunEventKind.ImportDamage && e.Message.Contains("metric 'loss'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Each_look_reads_only_what_was_appended_and_hands_over_non_finite_values_by_metric_name()
    {
        using var tmp = new TempDir();
        var run = Run(Experiment(tmp.Path, "0", "Default"), Id, NewMeta(Id, status: 1),
            new Dictionary<string, string> { ["loss"] = Lines((0, "0.9"), (1, "0.8")) });
        using var tail = LogTails.TryOpen(Path.Combine(run, "meta.yaml")) ?? throw new InvalidOperationException("meta.yaml names a run folder");
        Assert.Equal(2, tail.Read().NewPoints);

        await Append(Path.Combine(run, "metrics", "loss"), Encoding.UTF8.GetBytes(Lines((2, "nan"))));
        await Append(Path.Combine(run, "metrics", "grad_norm"), Encoding.UTF8.GetBytes(Lines((2, "inf")) + "17000"));
        var read = tail.Read();
        Assert.Equal(2, read.NewPoints);
        Assert.Equal(4, read.Points);
        Assert.Equal(2, read.LastStep);
        Assert.Equal([("grad_norm", 2L), ("loss", 2L)], read.NonFinite.Select(x => (x.Name, x.Point.Step)).Order());
        Assert.Equal(0, tail.Read().NewPoints); // the line being written waits for its end
    }

    [Fact]
    public async Task A_metric_file_written_again_is_read_again_alone_and_the_look_says_so()
    {
        using var tmp = new TempDir();
        var run = Run(Experiment(tmp.Path, "0", "Default"), Id, NewMeta(Id),
            new Dictionary<string, string> { ["loss"] = Lines(50, i => 1.0 / (1 + i)), ["acc"] = Lines(50, i => i / 50.0) });
        using var tail = LogTails.TryOpen(run)!;
        tail.Read();

        await File.WriteAllTextAsync(Path.Combine(run, "metrics", "loss"), Lines(10, i => 5.0 - i));
        var read = tail.Read();
        Assert.Contains("metric 'loss'", read.Restarted, StringComparison.Ordinal);
        Assert.Contains("became shorter", read.Restarted, StringComparison.Ordinal);
        Assert.Equal(60, read.Points);
        Assert.Equal(10, read.NewPoints);
        TailAssert.SameRun(await TailAssert.ImportWhole(run), tail.Snapshot());

        File.Delete(Path.Combine(run, "metrics", "acc"));
        read = tail.Read();
        Assert.Contains("metric 'acc' went away", read.Restarted, StringComparison.Ordinal);
        Assert.Equal(10, read.Points);
        TailAssert.SameRun(await TailAssert.ImportWhole(run), tail.Snapshot());
    }

    [Fact]
    public void An_experiment_folder_or_a_whole_store_is_read_whole()
    {
        using var tmp = new TempDir();
        var exp = Experiment(Path.Combine(tmp.Path, "mlruns"), "0", "Default");
        Run(exp, Id, NewMeta(Id), new Dictionary<string, string> { ["loss"] = Lines((0, "0.9")) });
        Assert.Null(LogTails.TryOpen(exp));
        Assert.Null(LogTails.TryOpen(Path.Combine(tmp.Path, "mlruns")));
    }

    /// <summary>The real GAN run (63,000 points per metric, names with spaces, FAILED status, nested under a parent),
    /// written again in pieces.</summary>
    [SharedFact]
    public async Task A_real_mlflow_run_written_again_in_pieces_reads_as_the_importer_reads_it_whole()
    {
        var source = Path.Combine(Fixtures.Shared("mlflow-tf-gan-nested-runs"), "mlruns", "1");
        using var tmp = new TempDir();
        var exp = Directory.CreateDirectory(Path.Combine(tmp.Path, "mlruns", "1")).FullName;
        await File.WriteAllBytesAsync(Path.Combine(exp, "meta.yaml"), await File.ReadAllBytesAsync(Path.Combine(source, "meta.yaml")));
        var sourceRun = Path.Combine(source, "8927ca27bf0446c0a36f3aab196e73ed");
        var run = Path.Combine(exp, Path.GetFileName(sourceRun));
        foreach (var file in Directory.GetFiles(sourceRun, "*", SearchOption.AllDirectories).Where(f => !f.Contains(Path.DirectorySeparatorChar + "metrics" + Path.DirectorySeparatorChar, StringComparison.Ordinal)))
        {
            var to = Path.Combine(run, Path.GetRelativePath(sourceRun, file));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            await File.WriteAllBytesAsync(to, await File.ReadAllBytesAsync(file)); // a copy that can be written (the corpus is read-only)
        }

        using var tail = LogTails.TryOpen(run) ?? throw new InvalidOperationException("an MLflow run folder is tailable");
        var metrics = new List<(string, byte[])>();
        foreach (var file in Directory.GetFiles(Path.Combine(sourceRun, "metrics")).Order(StringComparer.Ordinal))
        {
            metrics.Add((Path.GetFileName(file), await File.ReadAllBytesAsync(file)));
        }

        var compared = await GrowAndCompare(run, tail, metrics, 6, 9);
        Assert.True(compared >= 10, $"{compared} looks compared");
        Assert.Equal(126_000, tail.Read().Points);
    }
}

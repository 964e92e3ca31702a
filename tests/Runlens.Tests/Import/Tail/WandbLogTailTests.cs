using Runlens.Import;
using Runlens.Import.Tail;
using Runlens.Import.Wandb;
using Runlens.Model;
using Runlens.Tests.Import.Wandb;
using Runlens.Tests.Support;

namespace Runlens.Tests.Import.Tail;

/// <summary>W&amp;B transaction logs written piece by piece (records, and records split over 32 KiB blocks, cut at any
/// byte), tailed, against the importer reading the same bytes.</summary>
public sealed class WandbLogTailTests
{
    private static bool NotSystem(string key) => !key.StartsWith("system/", StringComparison.Ordinal);

    /// <summary>The series a W&amp;B tail counts points of: the history's (not the system metrics, nor the summary's
    /// values standing in for a history not read yet).</summary>
    private static IEnumerable<Series> History(Run run) =>
        run.Events.Any(e => e.Kind == RunEventKind.Warning && e.Message.StartsWith("Series hold only the final summary values", StringComparison.Ordinal))
            ? []
            : run.Series.Where(s => NotSystem(s.Key)).Select(s => s.Value);

    public static TheoryData<string> Runs() =>
        ["wandb-bert-sentiment-overfit", "wandb-nan-loss-lightning", "wandb-negative-loss-lightning", "wandb-single-step-run"];

    /// <summary>A copy of a real run folder whose files beside the log are in place and whose log is empty, as W&amp;B
    /// creates it; the log's bytes.</summary>
    private static (string Folder, string Log, byte[] Bytes) EmptyCopy(string root, string fixture)
    {
        var source = Directory.GetDirectories(Path.Combine(Fixtures.Shared(fixture), "wandb"), "run-*").Single();
        var folder = Path.Combine(root, "wandb", Path.GetFileName(source));
        string? log = null;
        byte[] bytes = [];
        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(folder, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            if (WandbRunFolder.IsLogFileName(file))
            {
                log = target;
                bytes = File.ReadAllBytes(file);
                File.WriteAllBytes(target, []);
            }
            else
            {
                File.Copy(file, target);
            }
        }

        return (folder, log ?? throw new InvalidOperationException(fixture + " has no .wandb log"), bytes);
    }

    [SharedTheory]
    [MemberData(nameof(Runs))]
    public async Task A_real_run_written_in_pieces_reads_as_the_importer_reads_it(string fixture)
    {
        using var dir = new TempDir();
        var (folder, log, bytes) = EmptyCopy(dir.Path, fixture);
        using var tail = LogTails.TryOpen(folder) ?? throw new InvalidOperationException("a W&B run folder with a .wandb log is tailable");
        Assert.IsType<WandbLogTail>(tail);

        var compared = await TailAssert.AppendInPieces(tail, folder, [new GrowingFile(log, bytes, 0)], length => length / 8, seed: 5, counted: History);

        Assert.True(compared >= 5, $"{compared} looks compared");
        var whole = (await ImporterCatalog.ImportAsync(folder, ImportContext.None)).Runs.Single();
        Assert.Equal(whole.Series.Keys, tail.Snapshot().Series.Keys); // every series of the finished log (one fixture ends inside a record)
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_older_clients_history_written_in_pieces_reads_as_the_importer_reads_it(bool asFile)
    {
        using var dir = new TempDir();
        var source = Fixtures.Test("import/wandb-old/wandb/run-20200219_001500-3kx9q2m1");
        var folder = Directory.CreateDirectory(Path.Combine(dir.Path, "wandb", Path.GetFileName(source))).FullName;
        foreach (var file in Directory.GetFiles(source))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }

        var history = Path.Combine(folder, WandbRunFolder.HistoryName);
        var bytes = await File.ReadAllBytesAsync(history);
        await File.WriteAllBytesAsync(history, []);
        var path = asFile ? history : folder;
        using var tail = LogTails.TryOpen(path) ?? throw new InvalidOperationException("an older W&B run is tailable");
        Assert.IsType<LineLogTail>(tail);

        var compared = await TailAssert.AppendInPieces(tail, path, [new GrowingFile(history, bytes, 0)], _ => 150, seed: 13, counted: History);

        Assert.True(compared >= 10, $"{compared} looks compared");
        Assert.Contains(tail.Snapshot().Series.Keys, k => k.StartsWith("system/", StringComparison.Ordinal)); // wandb-events.jsonl beside it
    }

    [Fact]
    public async Task A_log_with_records_split_over_blocks_cut_at_small_pieces_reads_as_the_importer_reads_it()
    {
        using var dir = new TempDir();
        var w = WandbTestRuns.StandardWriter(150, finish: false);
        w.Write(WandbLogWriter.History(("blob", "\"" + new string('z', 70_000) + "\""), ("train_loss", "0.1"), ("_step", "150")));
        w.Write(WandbLogWriter.History(("train_loss", "NaN"), ("_step", "151")));
        w.Write(WandbLogWriter.Exit(0, 120));
        w.Write(WandbLogWriter.Final());
        var bytes = w.ToArray();
        var folder = WandbTestRuns.Folder(dir.Path, bytes[..3], summary: null); // the header, cut
        var log = Path.Combine(folder, "run-" + WandbTestRuns.Id + ".wandb");
        using var tail = LogTails.TryOpen(log) ?? throw new InvalidOperationException("a .wandb log is tailable");

        var compared = await TailAssert.AppendInPieces(tail, log, [new GrowingFile(log, bytes, 3)], _ => 4000, seed: 9, counted: History);

        Assert.True(compared > 20, $"{compared} looks compared");
        Assert.Equal(RunStatus.Finished, tail.Snapshot().Status);
        Assert.DoesNotContain(tail.Snapshot().Events, e => e.Kind == RunEventKind.ImportDamage);
    }

    [Fact]
    public async Task Each_look_reads_only_the_new_records_and_hands_over_their_non_finite_values()
    {
        using var dir = new TempDir();
        var w = new WandbLogWriter();
        w.Write(WandbLogWriter.RunStart(WandbTestRuns.Id, "proj", WandbTestRuns.Start));
        w.Write(WandbLogWriter.History(("train_loss", "1.0"), ("grad_norm", "0.5"), ("_step", "1")));
        var first = w.ToArray();
        w.Write(WandbLogWriter.History(("train_loss", "NaN"), ("grad_norm", "Infinity"), ("_step", "2")));
        var second = w.ToArray();
        w.Write(WandbLogWriter.History(("train_loss", "0.5"), ("_step", "3")));
        var third = w.ToArray();
        var folder = WandbTestRuns.Folder(dir.Path, first, summary: null, config: null);
        var log = Path.Combine(folder, "run-" + WandbTestRuns.Id + ".wandb");
        using var tail = LogTails.TryOpen(folder)!;
        Assert.Equal(2, tail.Read().NewPoints);

        await Append(log, second.AsMemory(first.Length));
        await Append(log, third.AsMemory(second.Length, 5)); // the next record's header, cut
        var read = tail.Read();
        Assert.Equal(2, read.NewPoints);
        Assert.Equal(4, read.Points);
        Assert.Equal(2, read.LastStep);
        Assert.Equal([("train_loss", 2L), ("grad_norm", 2L)], read.NonFinite.Select(x => (x.Name, x.Point.Step)));

        Assert.Equal(0, tail.Read().NewPoints); // the record being written waits for its end
        await Append(log, third.AsMemory(second.Length + 5));
        read = tail.Read();
        Assert.Equal(1, read.NewPoints);
        Assert.Empty(read.NonFinite);
        Assert.Equal(3, read.LastStep);
        Assert.True(read.RunChanged);
        Assert.Equal(0.5, tail.Snapshot().Series["train/loss"].Points[^1].Value);
        Assert.DoesNotContain(tail.Snapshot().Events, e => e.Kind == RunEventKind.ImportDamage);
        Assert.False(tail.Read().RunChanged); // nothing new

        // the run ends: no new points, but its status changed, so the watcher must diagnose it again
        w.Write(WandbLogWriter.Exit(1, 30));
        w.Write(WandbLogWriter.Final());
        await Append(log, w.ToArray().AsMemory(third.Length));
        read = tail.Read();
        Assert.Equal(0, read.NewPoints);
        Assert.True(read.RunChanged);
        Assert.Equal(RunStatus.Failed, tail.Snapshot().Status);
    }

    [Fact]
    public async Task A_log_that_becomes_shorter_makes_the_run_be_read_again()
    {
        using var dir = new TempDir();
        var bytes = WandbTestRuns.StandardLog(60);
        var folder = WandbTestRuns.Folder(dir.Path, bytes);
        var log = Path.Combine(folder, "run-" + WandbTestRuns.Id + ".wandb");
        using var tail = LogTails.TryOpen(folder)!;
        var read = await TailAssert.RestartsWhenShortened(tail, log, bytes);
        var whole = await TailAssert.ImportWhole(folder);
        TailAssert.SameRun(whole, tail.Snapshot());
        Assert.Equal(History(whole).Sum(s => (long)s.Count), read.Points);
    }

    [Fact]
    public async Task A_cut_log_read_whole_while_watched_is_not_damaged_but_read_whole_afterwards_it_is()
    {
        using var dir = new TempDir();
        var bytes = WandbTestRuns.StandardLog(60);
        var folder = WandbTestRuns.Folder(dir.Path, bytes[..(bytes.Length - 3)]);

        var live = await TailAssert.ImportWhole(folder);
        var after = (await ImporterCatalog.ImportAsync(folder, ImportContext.None)).Runs.Single();

        Assert.DoesNotContain(live.Events, e => e.Kind == RunEventKind.ImportDamage);
        Assert.Contains(after.Events, e => e.Kind == RunEventKind.ImportDamage && e.Message.Contains("the log ends inside a record", StringComparison.Ordinal));
    }

    private static async Task Append(string file, ReadOnlyMemory<byte> bytes)
    {
        await using var s = new FileStream(file, FileMode.Append);
        await s.WriteAsync(bytes);
    }
}

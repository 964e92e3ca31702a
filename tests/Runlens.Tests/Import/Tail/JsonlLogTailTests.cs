using System.Globalization;
using System.Text;
using Runlens.Import;
using Runlens.Import.Tail;
using Runlens.Model;
using Runlens.Tests.Support;

namespace Runlens.Tests.Import.Tail;

/// <summary>A JSON Lines log tailed while it grows, against the importer reading the same bytes whole.</summary>
public sealed class JsonlLogTailTests
{
    /// <summary>A log with what the importer treats specially: Python's NaN/Infinity literals, nested objects, a line
    /// without a step (it takes the one before), a damaged line, a text value, blank lines.</summary>
    private static string Log(int rows)
    {
        var b = new StringBuilder();
        for (var i = 1; i <= rows; i++)
        {
            var loss = i % 97 == 0 ? "NaN" : i % 131 == 0 ? "Infinity" : (2.0 / (1 + (i / 50.0))).ToString("R", CultureInfo.InvariantCulture);
            b.Append(CultureInfo.InvariantCulture, $"{{\"step\": {i}, \"loss\": {loss}, \"optim\": {{\"lr\": {1e-4 * (1 - (i / (double)rows)):R}}}");
            if (i % 10 == 0)
            {
                b.Append(CultureInfo.InvariantCulture, $", \"eval_loss\": {1.0 / (1 + (i / 70.0)):R}, \"note\": \"checkpoint\"");
            }

            b.Append("}\n");
            if (i % 53 == 0)
            {
                b.Append("{\"grad_norm\": 1.5}\n\n");
            }

            if (i % 211 == 0)
            {
                b.Append("{\"step\": 12, \"loss\": oops}\n");
            }
        }

        return b.ToString();
    }

    [Fact]
    public async Task A_log_appended_in_pieces_cut_anywhere_reads_as_the_importer_reads_it_whole()
    {
        using var dir = new TempDir();
        var path = dir.File("metrics.jsonl");
        var bytes = Encoding.UTF8.GetBytes(Log(1200));
        const int first = 200; // the first piece holds whole lines, so that the format is detected as JSON Lines
        await File.WriteAllBytesAsync(path, bytes.AsSpan(0, first).ToArray());
        using var tail = LogTails.TryOpen(path) ?? throw new InvalidOperationException("a JSON Lines log is tailable");

        // each piece ends anywhere: inside a number, a name, or just before a line end
        var looks = await TailAssert.AppendInPieces(tail, path, [new GrowingFile(path, bytes, first)], _ => 9000, seed: 7);
        Assert.True(looks > 10);
        Assert.Contains(tail.Snapshot().Events, e => e.Kind == RunEventKind.ImportDamage); // the damaged lines, with their line numbers
    }

    [Fact]
    public async Task Each_look_reads_only_the_new_lines_and_hands_over_their_non_finite_values()
    {
        using var dir = new TempDir();
        var path = dir.File("metrics.jsonl");
        await File.WriteAllTextAsync(path, "{\"step\": 1, \"loss\": 1.0}\n{\"step\": 2, \"loss\": 0.9}\n");
        using var tail = LogTails.TryOpen(path)!;
        Assert.Equal(2, tail.Read().NewPoints);

        await File.AppendAllTextAsync(path, "{\"step\": 3, \"loss\": NaN, \"grad_norm\": Infinity}\n{\"step\": 4, \"lo");
        var read = tail.Read();
        Assert.Equal(2, read.NewPoints);
        Assert.Equal(4, read.Points);
        Assert.Equal(3, read.LastStep);
        Assert.Equal([("loss", 3L), ("grad_norm", 3L)], read.NonFinite.Select(x => (x.Name, x.Point.Step)));

        Assert.Equal(0, tail.Read().NewPoints); // the line being written waits for its end
        await File.AppendAllTextAsync(path, "ss\": 0.7}\n");
        read = tail.Read();
        Assert.Equal(1, read.NewPoints);
        Assert.Empty(read.NonFinite);
        Assert.Equal(4, read.LastStep);
    }

    [Fact]
    public async Task A_truncated_log_is_read_again_from_the_start_and_the_look_says_so()
    {
        using var dir = new TempDir();
        var path = dir.File("metrics.jsonl");
        await File.WriteAllTextAsync(path, Log(300));
        using var tail = LogTails.TryOpen(path)!;
        tail.Read();

        await File.WriteAllTextAsync(path, Log(40)); // a new run writes the same file from the start
        var read = tail.Read();
        Assert.NotNull(read.Restarted);
        Assert.Contains("metrics.jsonl became shorter", read.Restarted, StringComparison.Ordinal);
        Assert.Contains("reading it again from the start", read.Restarted, StringComparison.Ordinal);
        TailAssert.SameRun(await TailAssert.ImportWhole(path), tail.Snapshot());
        Assert.Null(tail.Read().Restarted);
    }

    [Fact]
    public async Task A_log_replaced_under_its_name_by_a_longer_one_is_read_again_from_the_start()
    {
        using var dir = new TempDir();
        var path = dir.File("metrics.jsonl");
        await File.WriteAllTextAsync(path, Log(100));
        using var tail = LogTails.TryOpen(path)!;
        tail.Read();

        // a rotated log: the writer renames a new, longer file over the old one; it begins differently
        var other = dir.File("next.jsonl");
        await File.WriteAllTextAsync(other, "{\"step\": 0, \"loss\": 3.5}\n" + Log(150));
        File.Move(other, path, overwrite: true);
        var read = tail.Read();
        Assert.Contains("begins differently than before: it was replaced", read.Restarted, StringComparison.Ordinal);
        TailAssert.SameRun(await TailAssert.ImportWhole(path), tail.Snapshot());

        // the same beginning, but what was read before is no longer there: rewritten
        var text = await File.ReadAllTextAsync(path);
        await File.WriteAllTextAsync(other, text.Replace("\"step\": 149,", "\"step\": 149.0,", StringComparison.Ordinal) + Log(3));
        File.Move(other, path, overwrite: true);
        read = tail.Read();
        Assert.Contains("it was rewritten", read.Restarted, StringComparison.Ordinal);
        TailAssert.SameRun(await TailAssert.ImportWhole(path), tail.Snapshot());
    }

    public static TheoryData<string> CallbackLogs() =>
        ["lr-too-high--clipped--s1", "healthy-converged--mlp-digits--s0", "label-noise--class-pair--s1", "vanishing-gradients--deep-tanh--s0"];

    /// <summary>The Runlens callback's own log (runs trained for the diagnosis benchmark), appended in pieces.</summary>
    [Theory]
    [MemberData(nameof(CallbackLogs))]
    public async Task The_callback_log_appended_in_pieces_reads_as_the_importer_reads_it_whole(string run)
    {
        using var dir = new TempDir();
        var path = dir.File("runlens.jsonl");
        var bytes = await File.ReadAllBytesAsync(Path.Combine(Fixtures.RepoRoot, "bench", "diagnosis", "runs", run, "log", "runlens.jsonl"));
        await File.WriteAllBytesAsync(path, []);
        using var tail = LogTails.TryOpen(path) ?? throw new InvalidOperationException("runlens.jsonl is tailable");
        var compared = await TailAssert.AppendInPieces(tail, path, [new GrowingFile(path, bytes, 0)], length => length / 8, seed: 3, minLines: 1);
        Assert.True(compared >= 4, $"{compared} looks compared");
    }

    [Fact]
    public async Task Logs_of_formats_not_read_incrementally_get_no_tail()
    {
        using var dir = new TempDir();
        var state = dir.File("trainer_state.json");
        await File.WriteAllTextAsync(state, "{\"global_step\": 1, \"log_history\": [{\"step\": 1, \"loss\": 0.5}]}");
        Assert.Null(LogTails.TryOpen(state));
        Assert.Null(LogTails.TryOpen(dir.File("not-there.jsonl")));
        Assert.Null(LogTails.TryOpen(dir.Path));
    }
}

using System.Text;
using Runlens.Import;
using Runlens.Import.Core;
using Runlens.Model;
using Runlens.Tests.Support;

namespace Runlens.Tests.Import.Core;

/// <summary>The one reader of line-based logs and the damage it keeps.</summary>
public sealed class LineReaderTests
{
    private static LineReader Reader(string text, int maxLineBytes = 1 << 20) =>
        new("log.jsonl", new MemoryStream(Encoding.UTF8.GetBytes(text)), ImportContext.None, maxLineBytes);

    private static List<(int Number, long Offset, string Text, bool Terminated)> All(LineReader r)
    {
        var lines = new List<(int, long, string, bool)>();
        while (r.Next())
        {
            lines.Add((r.Number, r.Offset, Encoding.UTF8.GetString(r.Current), r.Terminated));
        }

        return lines;
    }

    [Fact]
    public void Lines_come_with_their_number_and_byte_offset_without_line_ends_bom_or_blank_lines()
    {
        using var r = Reader("\uFEFFa\r\n\n  \nbé\nc");
        var lines = All(r);

        Assert.Equal([(1, 0L, "a", true), (4, 10L, "bé", true), (5, 14L, "c", false)], lines);
        Assert.Empty(r.Events());
    }

    [Fact]
    public void A_bad_line_is_damage_with_file_line_and_cause_and_the_lines_after_it_are_kept()
    {
        using var r = Reader("ok 1\nbad\nok 2\n");
        var kept = new List<string>();
        while (r.Next())
        {
            var text = Encoding.UTF8.GetString(r.Current);
            if (text == "bad")
            {
                r.Skip("not a JSON object");
                continue;
            }

            kept.Add(text);
        }

        Assert.Equal(["ok 1", "ok 2"], kept);
        var e = Assert.Single(r.Events());
        Assert.Equal(RunEventKind.ImportDamage, e.Kind);
        Assert.Equal("log.jsonl", e.File);
        Assert.Equal("line 2", e.Location);
        Assert.Contains("not a JSON object", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_last_line_cut_short_is_left_out_and_reported_as_cut()
    {
        using var r = Reader("{\"a\": 1}\n{\"a\": ");
        while (r.Next())
        {
            if (!r.Terminated)
            {
                r.Skip("invalid JSON");
            }
        }

        Assert.Equal((2, "invalid JSON"), r.Cut);
        var e = Assert.Single(r.Events());
        Assert.Equal(RunEventKind.ImportDamage, e.Kind);
        Assert.Equal("line 2", e.Location);
        Assert.Contains("cut short", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, r.Damage.Count);
    }

    [Fact]
    public void In_live_mode_a_line_still_being_written_is_not_read_at_all()
    {
        using var tmp = new TempDir();
        var file = tmp.File("log.jsonl");
        File.WriteAllText(file, "{\"a\": 1}\n{\"a\": ");
        using var r = LineReader.Open(file, new ImportContext { Live = true }, 1 << 20);
        var lines = All(r);

        Assert.Equal([(1, 0L, "{\"a\": 1}", true)], lines);
        Assert.Empty(r.Events());
    }

    [Fact]
    public void A_line_over_the_limit_is_damage_and_is_never_held_whole()
    {
        using var r = Reader("short\n" + new string('x', 5000) + "\nafter\n", maxLineBytes: 1024);
        var lines = All(r);

        Assert.Equal(["short", "after"], lines.Select(l => l.Text));
        Assert.Equal([1, 3], lines.Select(l => l.Number));
        var e = Assert.Single(r.Events());
        Assert.Equal("line 2", e.Location);
        Assert.Contains("longer than 1024 bytes", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_badly_damaged_file_gives_twenty_events_and_a_count_of_the_rest()
    {
        using var r = Reader(string.Concat(Enumerable.Repeat("bad\n", 50)));
        while (r.Next())
        {
            r.Skip("bad");
        }

        var events = r.Events().ToList();
        Assert.Equal(DamageLog.MaxEvents + 1, events.Count);
        Assert.Contains("30 more damaged rows", events[^1].Message, StringComparison.Ordinal);
        Assert.Equal("line 21", events[^1].Location);
    }

    [Fact]
    public void Progress_is_reported_as_blocks_are_read_up_to_the_whole_length()
    {
        var reports = new List<ImportProgress>();
        var text = string.Concat(Enumerable.Repeat(new string('y', 99) + "\n", 3000));
        using var r = new LineReader("big.jsonl", new MemoryStream(Encoding.UTF8.GetBytes(text)),
            new ImportContext { Progress = new Sync(reports.Add) }, 1 << 20);
        Assert.Equal(3000, All(r).Count);

        Assert.True(reports.Count > 3);
        Assert.Equal(text.Length, reports[^1].Done);
        Assert.Equal(text.Length, reports[^1].Total);
    }

    private sealed class Sync(Action<ImportProgress> report) : IProgress<ImportProgress>
    {
        public void Report(ImportProgress value) => report(value);
    }
}

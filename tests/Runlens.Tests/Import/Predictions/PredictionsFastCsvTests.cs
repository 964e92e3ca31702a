using System.Globalization;
using System.Text;
using Runlens.Import;
using Runlens.Import.Predictions;
using Runlens.Model.Predictions;

namespace Runlens.Tests.Import.Predictions;

/// <summary>
/// A CSV without quotes is read by the fast path (fields as slices, parts on every core, probabilities parsed in
/// parallel); the same file with one header name quoted is read by the record reader. Both must give the same predictions,
/// warnings and errors, to the line.
/// </summary>
public sealed class PredictionsFastCsvTests
{
    [Fact]
    public void Reads_a_large_file_as_the_record_reader_does()
    {
        var text = Generate(60_000, _ => null);
        Assert.True(text.Length > 2 << 20, "large enough to be cut into parts");
        Assert.Equal(Describe(Read(Slow(text))), Describe(Read(text)));
    }

    [Fact]
    public void Reads_blank_lines_in_every_part_of_a_large_file_as_the_record_reader_does()
    {
        // each part's rows are written at the part's place; blank lines leave gaps that must be closed in file order
        var text = Generate(60_000, r => r % 9_001 == 5 ? "0.5,0.4,0.3" : null).Replace("\n1", "\n\n\n1", StringComparison.Ordinal).TrimEnd('\n');
        Assert.True(text.Length > 2 << 20, "large enough to be cut into parts");
        Assert.Equal(Describe(Read(Slow(text))), Describe(Read(text)));
    }

    [Fact]
    public async Task Reads_a_file_large_enough_to_be_read_in_parts_as_its_bytes_in_memory()
    {
        var text = Generate(500_000, _ => null);
        Assert.True(text.Length > 16 << 20, "large enough to be read one part per core");
        var path = Path.Combine(Path.GetTempPath(), $"runlens-parted-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(path, text);
        try
        {
            var fromFile = (await PredictionsReader.ReadAsync(path)).Classification!;
            Assert.Equal(Describe(Read(text)), Describe(fromFile));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Reads_blank_lines_a_missing_last_line_end_and_warnings_as_the_record_reader_does()
    {
        var text = "\n\n" + Generate(3_000, r => r % 500 == 7 ? "0.5,0.4,0.3" : null).Replace("\n1,", "\n\n1,", StringComparison.Ordinal).TrimEnd('\n');
        Assert.Equal(Describe(Read(Slow(text))), Describe(Read(text)));
    }

    [Fact]
    public void Reads_non_ascii_text_a_byte_order_mark_and_non_ascii_spaces_from_the_bytes_as_the_record_reader_does()
    {
        // multi-byte labels, ids and slice values; a no-break space around some probabilities (the row-by-row reading
        // trims it, the byte path hands such a cell over to it); an invalid UTF-8 byte in an id (decoded to U+FFFD)
        static string Name(string c) => c switch { "a" => "\u00e9t\u00e9", "c" => "\u4e2d\u6587", _ => c };
        var lines = Generate(70_000, r => r % 1_000 == 3 ? "\u00a00.2,0.3,0.5\u00a0" : null).Split('\n');
        var text = string.Join("\n", lines.Select((line, i) =>
        {
            var cells = line.Split(',');
            if (i == 0)
            {
                return string.Join(",", cells.Select(h => h.StartsWith("prob_", StringComparison.Ordinal) ? "prob_" + Name(h[5..]) : h));
            }

            if (cells.Length > 2)
            {
                (cells[0], cells[1], cells[2]) = (cells[0] == "12" ? "\u00fc12" : cells[0], Name(cells[1]), Name(cells[2]));
            }

            return string.Join(",", cells);
        }));
        Assert.Equal(Describe(Read(Slow(text))), Describe(Read(text)));
        var bom = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes(text)).ToArray();
        Assert.Equal(Describe(Read(Slow(text))), Describe(PredictionsReader.Read("p.csv", bom).Classification!));
        static byte[] Corrupt(string t)
        {
            var b = Encoding.UTF8.GetBytes(t);
            b[b.AsSpan().IndexOf("\n\u00fc12,"u8) + 1] = 0xFF;
            return b;
        }

        var invalid = Corrupt(text);
        var slowInvalid = Corrupt(Slow(text));
        Assert.Equal(Describe(PredictionsReader.Read("p.csv", slowInvalid).Classification!), Describe(PredictionsReader.Read("p.csv", invalid).Classification!));
    }

    [Fact]
    public void Reads_probabilities_in_every_notation_to_the_doubles_double_parse_gives()
    {
        var rng = new Random(3);
        string[] formats = ["R", "F6", "E3", "G17", "0.##########################"];
        var text = Generate(30_000, r =>
        {
            var p = rng.NextDouble();
            var cells = new[] { p * 0.5, p * 0.25, 1 - (p * 0.75) }.Select(v => v.ToString(formats[r % formats.Length], CultureInfo.InvariantCulture));
            return string.Join(",", r % 7 == 0 ? cells.Select(c => " " + c + " ") : cells);
        });
        var set = Read(text);
        var at = 0;
        foreach (var line in text.Split('\n').Skip(1).Where(l => l.Length > 0))
        {
            foreach (var cell in line.Split(',').Skip(3))
            {
                var expected = double.Parse(cell, NumberStyles.Float, CultureInfo.InvariantCulture);
                Assert.True(BitConverter.DoubleToInt64Bits(expected) == BitConverter.DoubleToInt64Bits(set.Probabilities!.Value[at]), cell);
                at++;
            }
        }

        Assert.Equal(90_000, at);
    }

    [Theory]
    [InlineData(5, "0.5,0.5")]
    [InlineData(70_001, "0.5,0.5,0,0")]
    [InlineData(100, "abc,0.5,0.5")]
    [InlineData(65_000, "NaN,0.5,0.5")]
    [InlineData(65_537, "1.5,0,0")]
    [InlineData(65_538, "-0.2,0.6,0.6")]
    [InlineData(99_000, ",0.5,0.5")]
    public void Reports_the_first_bad_row_as_the_record_reader_does(int badRow, string probabilities)
    {
        var text = Generate(100_000, r => r == badRow || r == badRow + 3 ? probabilities : null);
        Assert.Equal(Error(Slow(text)), Error(text));
        Assert.Contains($"line {badRow + 2}", Error(text), StringComparison.Ordinal);
    }

    private static string Generate(int rows, Func<int, string?> probabilities)
    {
        var rng = new Random(7);
        var b = new StringBuilder("example_id,label,predicted,prob_a,prob_b,prob_c\n");
        for (var r = 0; r < rows; r++)
        {
            var p = new[] { rng.NextDouble(), rng.NextDouble(), rng.NextDouble() };
            var sum = p.Sum();
            var text = probabilities(r) ?? string.Join(",", p.Select(v => (v / sum).ToString("F6", CultureInfo.InvariantCulture)));
            var label = "abc"[rng.Next(3)];
            b.Append(CultureInfo.InvariantCulture, $"{r},{label},{"abc"[rng.Next(3)]},{text}\n");
        }

        return b.ToString();
    }

    /// <summary>The same table with a quoted header name: the record reader reads it.</summary>
    private static string Slow(string text) => text.Replace("example_id,label,", "example_id,\"label\",", StringComparison.Ordinal);

    private static PredictionSet Read(string text) => PredictionsReader.Read("p.csv", Encoding.UTF8.GetBytes(text)).Classification!;

    private static string Error(string text) =>
        Assert.Throws<RunImportException>(() => PredictionsReader.Read("p.csv", Encoding.UTF8.GetBytes(text))).Message;

    private static string Describe(PredictionSet s) =>
        string.Join("|", s.Classes) + "\n" + string.Join(",", s.ExampleIds) + "\n" + string.Join(",", s.Lines) + "\n"
        + string.Join(",", s.TrueIndices) + "\n" + string.Join(",", s.PredictedIndices) + "\n"
        + string.Join(",", s.Probabilities!.Value.Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + "\n"
        + string.Join("\n", s.Warnings.Select(w => $"{w.Line}: {w.Message}")) + "\n"
        + string.Join(";", s.ColumnUses.Select(u => $"{u.Role}={u.Column}:{u.Note}"));
}

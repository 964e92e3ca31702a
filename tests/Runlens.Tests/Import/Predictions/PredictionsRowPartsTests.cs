using System.Globalization;
using System.Text;
using Runlens.Import;
using Runlens.Import.Predictions;
using Runlens.Model.Predictions;

namespace Runlens.Tests.Import.Predictions;

/// <summary>
/// A large file's rows are read in parts, one per core (labels, indices, sums, argmax, example ids and their duplicates):
/// the warnings and errors must still come in file order, naming the rows a row-by-row reading names. The expected
/// warnings here follow from how each file is written.
/// </summary>
public sealed class PredictionsRowPartsTests
{
    private const int Rows = 200_000;

    [Fact]
    public void Names_empty_and_duplicated_example_ids_in_file_order_whichever_part_holds_them()
    {
        // row 100,000 has no id; rows 150,000 and 190,000 repeat row 3's id, row 170,000 repeats row 120,000's (a later
        // part's), and rows 180,000-180,024 repeat row 9's: 28 duplicates, the first 20 named
        var id = new Dictionary<int, string> { [100_000] = "", [150_000] = "e3", [170_000] = "e120000", [190_000] = "e3" };
        for (var r = 180_000; r < 180_025; r++)
        {
            id[r] = "e9";
        }

        var set = Read(Generate(r => id.GetValueOrDefault(r, $"e{r}"), _ => null, _ => null));

        int[] duplicates = [150_000, 170_000, .. Enumerable.Range(180_000, 25), 190_000];
        var expected = new List<string> { "100002: empty example_id; the row number 100001 stands in" };
        expected.AddRange(duplicates.Take(PredictionsReader.WarningsPerKind).Select(r =>
            $"{r + 2}: example_id '{id[r]}' also at line {int.Parse(id[r][1..], CultureInfo.InvariantCulture) + 2}"));
        expected.Add(": and 8 more duplicated example ids");
        Assert.Equal(expected, set.Warnings.Select(w => $"{w.Line}: {w.Message}"));
        Assert.Equal("100001", set.ExampleIds[100_000]);
        Assert.Equal("e3", set.ExampleIds[150_000]);
        Assert.Equal("e199999", set.ExampleIds[^1]);
    }

    [Fact]
    public void Warns_of_sums_and_predictions_that_are_not_the_argmax_in_file_order()
    {
        // rows 30,000 and 160,000 predict a class that is not the most probable; rows 40,000 and 170,000 sum to 1.1
        var set = Read(Generate(r => $"e{r}", r => r is 40_000 or 170_000 ? "0.5,0.3,0.3" : null, r => r is 30_000 or 160_000 ? "b" : null));
        Assert.Equal(
            [
                "40002: probabilities sum to 1.1 (off by +0.1); kept as written",
                "170002: probabilities sum to 1.1 (off by +0.1); kept as written",
                "30002: the prediction is not the most probable class in 2 rows (this is the first); predictions kept as written",
            ],
            set.Warnings.Select(w => $"{w.Line}: {w.Message}"));
        Assert.Equal(1, set.PredictedIndices[30_000]);
        Assert.Equal(0, set.PredictedIndices[30_001]);
    }

    [Theory]
    [InlineData(20_000, 150_000)]
    [InlineData(150_000, 190_000)]
    public void Names_the_first_empty_label_when_a_later_part_has_one_too(int first, int later)
    {
        var text = Generate(r => $"e{r}", _ => null, _ => null).Split('\n');
        foreach (var r in (int[])[first, later])
        {
            text[r + 1] = $"e{r},,a,0.5,0.3,0.2";
        }

        var error = Assert.Throws<RunImportException>(() => Read(string.Join('\n', text))).Message;
        Assert.Contains($"line {first + 2}: empty label ('label')", error, StringComparison.Ordinal);
    }

    /// <summary>Three classes; every row's label and prediction <c>a</c> with probabilities 0.5, 0.3, 0.2 unless
    /// <paramref name="probabilities"/> or <paramref name="predicted"/> say otherwise.</summary>
    private static string Generate(Func<int, string> id, Func<int, string?> probabilities, Func<int, string?> predicted)
    {
        var b = new StringBuilder("example_id,label,predicted,prob_a,prob_b,prob_c\n");
        for (var r = 0; r < Rows; r++)
        {
            b.Append(CultureInfo.InvariantCulture, $"{id(r)},a,{predicted(r) ?? "a"},{probabilities(r) ?? "0.5,0.3,0.2"}\n");
        }

        return b.ToString();
    }

    private static PredictionSet Read(string text) => PredictionsReader.Read("p.csv", Encoding.UTF8.GetBytes(text)).Classification!;
}

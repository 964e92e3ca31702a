using Runlens.Import;
using Runlens.Import.Predictions;
using Runlens.Tests.Support;

namespace Runlens.Tests.Import.Predictions;

/// <summary>Canonical files, JSONL, and every kind of bad input: an error naming file, line, cause and hint, or a warning
/// kept on the result.</summary>
public sealed class PredictionsEdgeCaseTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Write(string name, string text)
    {
        var path = _dir.File(name);
        File.WriteAllText(path, text);
        return path;
    }

    private async Task<RunImportException> Fails(string name, string text)
    {
        var path = Write(name, text);
        var ex = await Assert.ThrowsAsync<RunImportException>(() => PredictionsReader.ReadAsync(path));
        Assert.Equal(path, ex.File);
        Assert.False(string.IsNullOrWhiteSpace(ex.Hint));
        return ex;
    }

    [Fact]
    public async Task Canonical_csv_with_probabilities_and_no_prediction_takes_the_argmax_first_class_on_ties()
    {
        var set = await PredictionsReader.ReadClassificationAsync(Write("p.csv", """
            example_id,label,prob_cat,prob_dog,prob_bird,group
            a,cat,0.7,0.2,0.1,x
            b,dog,0.4,0.4,0.2,y
            c,bird,0.1,0.3,0.6,x
            """));

        Assert.Equal(["bird", "cat", "dog"], set.Classes.ToArray()); // code-point order, not column order
        Assert.True(set.PredictedFromProbabilities);
        Assert.Equal([1, 1, 0], set.PredictedIndices.ToArray()); // b ties cat/dog: cat comes first
        Assert.Equal([1, 2, 0], set.TrueIndices.ToArray());
        Assert.Equal([0.1, 0.7, 0.2, 0.2, 0.4, 0.4, 0.6, 0.1, 0.3], set.Probabilities!.Value.ToArray());
        Assert.Equal(["a", "b", "c"], set.ExampleIds.ToArray());
        Assert.True(set.HasExampleIds);
        Assert.Equal(["x", "y", "x"], set.Slice("group")!.Values.ToArray());
        Assert.Equal([2, 3, 4], set.Lines.ToArray());
        Assert.Empty(set.Warnings);
    }

    [Fact]
    public async Task Jsonl_with_the_same_keys_reads_numbers_as_their_text()
    {
        var set = await PredictionsReader.ReadClassificationAsync(Write("p.jsonl", """
            {"example_id": 1, "label": 0, "predicted": 1, "prob_0": 0.25, "prob_1": 0.75, "source": "web"}

            {"example_id": 2, "label": 1, "predicted": 1, "prob_0": 0.5, "prob_1": 0.5, "flag": true}
            """));

        Assert.Equal(["0", "1"], set.Classes.ToArray());
        Assert.Equal([0, 1], set.TrueIndices.ToArray());
        Assert.Equal([1, 1], set.PredictedIndices.ToArray());
        Assert.Equal(0.75, set.Probability(0, 1));
        Assert.Equal(["1", "2"], set.ExampleIds.ToArray());
        Assert.Equal([1, 3], set.Lines.ToArray());
        Assert.Equal(["web", ""], set.Slice("source")!.Values.ToArray());
        Assert.Equal(["", "true"], set.Slice("flag")!.Values.ToArray());
    }

    [Fact]
    public async Task Class_list_is_the_union_of_labels_and_predictions()
    {
        var set = await PredictionsReader.ReadClassificationAsync(Write("p.csv", "label,predicted\nb,c\na,b\n"));
        Assert.Equal(["a", "b", "c"], set.Classes.ToArray());
        Assert.False(set.HasProbabilities);
        Assert.False(set.HasExampleIds);
        Assert.Equal(["1", "2"], set.ExampleIds.ToArray());
    }

    [Fact]
    public async Task A_single_probability_in_a_yes_no_file_is_the_second_class_in_code_point_order()
    {
        var set = await PredictionsReader.ReadClassificationAsync(Write("p.csv", "id,target,probability\n1,yes,0.9\n2,no,0.2\n"));
        Assert.Equal(["no", "yes"], set.Classes.ToArray());
        Assert.True(set.PredictedFromProbabilities);
        Assert.Equal([1, 0], set.PredictedIndices.ToArray());
        Assert.Equal(0.9, set.Probability(0, 1));
        Assert.Equal(1 - 0.9, set.Probability(0, 0));
    }

    [Fact]
    public async Task A_single_probability_with_three_classes_is_refused()
    {
        var ex = await Fails("p.csv", "label,probability\na,0.1\nb,0.2\nc,0.3\n");
        Assert.Contains("3 classes", ex.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_probability_column_in_a_three_class_file_with_predictions_stays_a_slice_column_with_a_warning()
    {
        var set = await PredictionsReader.ReadClassificationAsync(Write("p.csv", "label,predicted,probability\na,a,0.9\nb,c,0.6\nc,c,0.8\n"));
        Assert.False(set.HasProbabilities);
        Assert.Equal(["0.9", "0.6", "0.8"], set.Slice("probability")!.Values.ToArray());
        Assert.Contains("not read as a probability", Assert.Single(set.Warnings).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_text_column_named_sentence_does_not_make_a_token_file()
    {
        var file = await PredictionsReader.ReadAsync(Write("p.csv", "sentence,label,predicted\ngreat film,pos,pos\n"));
        Assert.False(file.IsTokenClassification);
        Assert.Equal("great film", file.Classification!.Slice("sentence")!.Values[0]);
    }

    [Fact]
    public async Task Empty_file_is_an_error()
    {
        var ex = await Fails("p.csv", "");
        Assert.Null(ex.Location);
        Assert.Equal("empty file", ex.Cause);
        await Fails("q.csv", "  \n\n");
    }

    [Fact]
    public async Task Header_without_rows_is_an_error() =>
        Assert.Contains("no rows", (await Fails("p.csv", "example_id,label,predicted\n")).Cause, StringComparison.Ordinal);

    [Fact]
    public async Task Missing_label_column_names_the_columns_found()
    {
        var ex = await Fails("p.csv", "example_id,predicted\n1,a\n");
        Assert.Contains("no label column", ex.Cause, StringComparison.Ordinal);
        Assert.Contains("example_id, predicted", ex.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_prediction_and_probabilities_is_an_error() =>
        Assert.Contains("no prediction column", (await Fails("p.csv", "example_id,label\n1,a\n")).Cause, StringComparison.Ordinal);

    [Fact]
    public async Task Unknown_class_in_predicted_names_the_line()
    {
        var ex = await Fails("p.csv", "label,predicted,prob_a,prob_b\na,a,0.9,0.1\nb,c,0.2,0.8\n");
        Assert.Equal("line 3", ex.Location);
        Assert.Contains("unknown class 'c' in predicted", ex.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Probabilities_not_summing_to_1_are_a_warning_with_the_row_and_the_amount_and_are_kept()
    {
        var set = await PredictionsReader.ReadClassificationAsync(Write("p.csv", "label,prob_a,prob_b\na,0.9,0.1\nb,0.5,0.7\na,0.6,0.4002\n"));
        var w = Assert.Single(set.Warnings);
        Assert.Equal(3, w.Line);
        Assert.Contains("sum to 1.2", w.Message, StringComparison.Ordinal);
        Assert.Contains("off by +0.2", w.Message, StringComparison.Ordinal);
        Assert.Equal(0.7, set.Probability(1, 1)); // not renormalised
        Assert.Equal(0.4002, set.Probability(2, 1)); // 2e-4 off: within the tolerance, no warning
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("nan")]
    public async Task A_NaN_score_is_an_error_naming_the_row(string nan)
    {
        var ex = await Fails("p.csv", $"label,prob_a,prob_b\na,0.9,0.1\nb,{nan},0.7\n");
        Assert.Equal("line 3", ex.Location);
        Assert.Contains("NaN score in 'prob_a'", ex.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bare_NaN_in_jsonl_is_an_error_naming_the_line()
    {
        var ex = await Fails("p.jsonl", "{\"label\": \"a\", \"prob_a\": 1.0, \"prob_b\": 0.0}\n{\"label\": \"b\", \"prob_a\": NaN, \"prob_b\": 0.5}\n");
        Assert.Equal("line 2", ex.Location);
        Assert.Contains("NaN", ex.Cause, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1.5", "not a probability")]
    [InlineData("-0.2", "not a probability")]
    [InlineData("inf", "not a number")]
    [InlineData("high", "not a number")]
    [InlineData("", "empty probability")]
    public async Task A_bad_probability_is_an_error(string value, string cause)
    {
        var ex = await Fails("p.csv", $"label,predicted,prob_a,prob_b\na,a,0.9,0.1\nb,b,{value},0.5\n");
        Assert.Equal("line 3", ex.Location);
        Assert.Contains(cause, ex.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Duplicated_example_ids_are_a_warning_naming_both_rows()
    {
        var set = await PredictionsReader.ReadClassificationAsync(Write("p.csv", "example_id,label,predicted\nx,a,a\ny,a,b\nx,b,b\n"));
        var w = Assert.Single(set.Warnings);
        Assert.Equal(4, w.Line);
        Assert.Contains("'x' also at line 2", w.Message, StringComparison.Ordinal);
        Assert.Equal(3, set.Count); // kept
    }

    [Fact]
    public async Task Warnings_of_one_kind_are_capped_and_counted()
    {
        var rows = string.Concat(Enumerable.Range(0, 30).Select(_ => "x,a,a\n"));
        var set = await PredictionsReader.ReadClassificationAsync(Write("p.csv", "example_id,label,predicted\n" + rows));
        Assert.Equal(PredictionsReader.WarningsPerKind + 1, set.Warnings.Length);
        Assert.Equal("and 9 more duplicated example ids", set.Warnings[^1].Message);
        Assert.Null(set.Warnings[^1].Line);
    }

    [Fact]
    public async Task A_prediction_that_is_not_the_most_probable_class_is_a_warning()
    {
        var set = await PredictionsReader.ReadClassificationAsync(Write("p.csv", "label,predicted,prob_a,prob_b\na,a,0.9,0.1\nb,a,0.2,0.8\nb,b,0.5,0.5\n"));
        var w = Assert.Single(set.Warnings);
        Assert.Equal(3, w.Line);
        Assert.Contains("1 row", w.Message, StringComparison.Ordinal);
        Assert.Equal([0, 0, 1], set.PredictedIndices.ToArray()); // kept as written
    }

    [Fact]
    public async Task A_ragged_row_is_an_error_naming_the_line()
    {
        var ex = await Fails("p.csv", "example_id,label,predicted\n1,a,a\n2,a,b,extra\n");
        Assert.Equal("line 3", ex.Location);
        Assert.Contains("4 fields but the header has 3 columns", ex.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unclosed_quote_is_an_error() =>
        Assert.Contains("never closed", (await Fails("p.csv", "label,predicted\na,\"b\nb,b\n")).Cause, StringComparison.Ordinal);

    [Fact]
    public async Task An_empty_label_is_an_error() =>
        Assert.Equal("line 3", (await Fails("p.csv", "label,predicted\na,a\n,b\n")).Location);

    [Fact]
    public async Task A_duplicated_header_name_is_an_error() =>
        Assert.Contains("appears twice", (await Fails("p.csv", "label,label,predicted\na,a,a\n")).Cause, StringComparison.Ordinal);

    [Fact]
    public async Task Wrong_json_types_are_errors()
    {
        Assert.Contains("JSON object or array", (await Fails("a.jsonl", "{\"label\": [\"a\"], \"predicted\": \"a\"}\n")).Cause, StringComparison.Ordinal);
        Assert.Contains("not an object", (await Fails("b.jsonl", "{\"label\": \"a\", \"predicted\": \"a\"}\n[1, 2]\n")).Cause, StringComparison.Ordinal);
        Assert.Equal("line 2", (await Fails("c.jsonl", "{\"label\": \"a\", \"predicted\": \"a\"}\n{\"label\": \"a\"\n")).Location);
        Assert.Contains("empty prediction", (await Fails("d.jsonl", "{\"label\": \"a\", \"predicted\": \"a\"}\n{\"label\": \"a\"}\n")).Cause, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_file_or_a_folder_is_an_error()
    {
        var missing = Path.Combine(_dir.Path, "nope.csv");
        Assert.Equal("no such file", (await Assert.ThrowsAsync<RunImportException>(() => PredictionsReader.ReadAsync(missing))).Cause);
        await Assert.ThrowsAsync<RunImportException>(() => PredictionsReader.ReadAsync(_dir.Path));
    }

    [Fact]
    public async Task A_token_file_asked_for_as_classification_is_an_error()
    {
        var path = Write("t.csv", "sentence_id,label,predicted\n1,O,O\n");
        await Assert.ThrowsAsync<RunImportException>(() => PredictionsReader.ReadClassificationAsync(path));
        await Assert.ThrowsAsync<RunImportException>(() => PredictionsReader.ReadTokensAsync(Write("c.csv", "label,predicted\na,a\n")));
    }

    [Fact]
    public async Task Survives_1000_mutations_of_a_jsonl_file_with_probabilities()
    {
        var text = string.Concat(Enumerable.Range(0, 40).Select(i =>
            $"{{\"example_id\": \"e{i}\", \"label\": \"{"abc"[i % 3]}\", \"prob_a\": 0.5, \"prob_b\": 0.25, \"prob_c\": 0.25, \"group\": {i % 4}}}\n"));
        await Fuzz.RunAsync(System.Text.Encoding.UTF8.GetBytes(text), "p.jsonl", p => PredictionsReader.ReadAsync(p), iterations: 1000, seed: 73);
    }
}

using Runlens.Analysis.Entities;
using Runlens.Import;
using Runlens.Import.Predictions;
using Runlens.Tests.Support;

namespace Runlens.Tests.Import.Predictions;

/// <summary>Token-classification files: rows grouped into sentences by sentence_id, then seqeval's entity metrics.</summary>
public sealed class PredictionsTokenFileTests : IDisposable
{
    private const string Conll = """
        sentence_id,token,label,predicted
        s1,John,B-PER,B-PER
        s1,Smith,I-PER,I-PER
        s1,lives,O,O
        s1,in,O,O
        s1,Paris,B-LOC,B-ORG
        s2,Acme,B-ORG,I-ORG
        s2,Corp,I-ORG,I-ORG
        s3,.,O,O
        """;

    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Write(string name, string text)
    {
        var path = _dir.File(name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public async Task Rows_are_grouped_into_sentences_in_file_order()
    {
        var set = await PredictionsReader.ReadTokensAsync(Write("t.csv", Conll));

        Assert.Equal(["s1", "s2", "s3"], set.Sentences.Select(s => s.Id).ToArray());
        Assert.Equal(["B-PER", "I-PER", "O", "O", "B-LOC"], set.Sentences[0].Labels.ToArray());
        Assert.Equal(["I-ORG", "I-ORG"], set.Sentences[1].Predicted.ToArray());
        Assert.Equal([2, 7, 9], set.Sentences.Select(s => s.Line).ToArray());
        Assert.Equal(8, set.TokenCount);
        Assert.Contains(set.ColumnUses, u => u.Role == "ignored" && u.Column == "token");
        Assert.Empty(set.Warnings);
    }

    [Fact]
    public async Task Entity_report_of_a_token_file_is_seqevals_default_mode()
    {
        var set = await PredictionsReader.ReadTokensAsync(Write("t.csv", Conll));
        var report = Seqeval.Report(set);

        // by hand with seqeval's rules: PER matches; LOC missed, ORG predicted there (spurious); I-ORG I-ORG is an ORG entity
        Assert.Equal(["LOC", "ORG", "PER"], report.PerType.Select(t => t.Type).ToArray());
        Assert.Equal(new EntityScores(0.0, 0.0, 0.0, 1), report["LOC"]);
        Assert.Equal(new EntityScores(0.5, 1.0, 2 * 0.5 * 1.0 / 1.5, 1), report["ORG"]);
        Assert.Equal(new EntityScores(1.0, 1.0, 1.0, 1), report["PER"]);
        Assert.Equal(2.0 / 3, report.Micro.Precision);
        Assert.Equal(6.0 / 8, report.TokenAccuracy); // Paris (B-LOC/B-ORG) and Acme (B-ORG/I-ORG) differ

        // strict IOB2: the I-ORG I-ORG prediction is not an entity
        var strict = Seqeval.Report(set, EntityMode.StrictIob2);
        Assert.Equal(new EntityScores(0.0, 0.0, 0.0, 1), strict["ORG"]);
    }

    [Fact]
    public async Task A_sentence_whose_rows_are_not_contiguous_is_joined_with_a_warning()
    {
        var set = await PredictionsReader.ReadTokensAsync(Write("t.csv", "sentence_id,label,predicted\n1,B-PER,B-PER\n2,O,O\n1,I-PER,I-PER\n"));
        Assert.Equal(["B-PER", "I-PER"], set.Sentences[0].Labels.ToArray());
        var w = Assert.Single(set.Warnings);
        Assert.Equal(4, w.Line);
        Assert.Contains("began at line 2", w.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kaggle_layout_with_the_sentence_id_only_on_the_first_token_is_read()
    {
        var set = await PredictionsReader.ReadTokensAsync(Write("t.csv", "Sentence #,Word,Tag,pred\nSentence: 1,A,B-geo,B-geo\n,b,O,O\nSentence: 2,C,B-per,O\n"));
        Assert.Equal([2, 1], set.Sentences.Select(s => s.Labels.Count).ToArray());
        Assert.Contains(set.ColumnUses, u => u.Role == "label" && u.Column == "Tag");
    }

    [Fact]
    public async Task Tags_that_are_not_bio_are_a_warning_once_each()
    {
        var set = await PredictionsReader.ReadTokensAsync(Write("t.jsonl",
            "{\"sentence_id\": 1, \"label\": \"PER\", \"predicted\": \"O\"}\n{\"sentence_id\": 1, \"label\": \"PER\", \"predicted\": \"B-PER\"}\n"));
        var w = Assert.Single(set.Warnings);
        Assert.Contains("'PER' is not a BIO/IOB2 tag", w.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_file_errors_name_the_line()
    {
        var missing = Write("a.csv", "sentence_id,label\n1,O\n");
        Assert.Contains("without a predicted column", (await Assert.ThrowsAsync<RunImportException>(() => PredictionsReader.ReadAsync(missing))).Cause, StringComparison.Ordinal);
        var empty = Write("b.csv", "sentence_id,label,predicted\n1,O,O\n1,,O\n");
        Assert.Equal("line 3", (await Assert.ThrowsAsync<RunImportException>(() => PredictionsReader.ReadAsync(empty))).Location);
        var first = Write("c.csv", "sentence_id,label,predicted\n,O,O\n");
        Assert.Equal("line 2", (await Assert.ThrowsAsync<RunImportException>(() => PredictionsReader.ReadAsync(first))).Location);
    }

    [Fact]
    public async Task Survives_1000_mutations_of_a_token_file() =>
        await Fuzz.RunAsync(System.Text.Encoding.UTF8.GetBytes(Conll), "t.csv", p => PredictionsReader.ReadAsync(p), iterations: 1000, seed: 74);
}

using Runlens.Import.Predictions;
using Runlens.Tests.Support;

namespace Runlens.Tests.Import.Predictions;

/// <summary>The two real predictions exports in the shared corpus, read through the aliases; expected values were taken
/// from the files with Python's csv module, not from this reader.</summary>
public sealed class PredictionsRealFileTests
{
    private static string Binary => Path.Combine(Fixtures.Shared("predictions-binary-window-detection-probabilities"), "window_predictions_bz_pytorch.csv");

    private static string Finance => Path.Combine(Fixtures.Shared("predictions-finance-news-sentiment"), "study_dataset_with_predictions.csv");

    [SharedFact]
    public async Task Binary_window_detection_reads_285_rows_with_a_positive_class_probability()
    {
        var set = await PredictionsReader.ReadClassificationAsync(Binary);

        Assert.Equal(285, set.Count);
        Assert.Equal(["0", "1"], set.Classes.ToArray());
        Assert.Equal(52, set.TrueIndices.Count(i => i == 1));
        Assert.Equal(53, set.PredictedIndices.Count(i => i == 1));
        Assert.Equal(48, set.TrueIndices.Zip(set.PredictedIndices).Count(p => p.First == 1 && p.Second == 1));
        Assert.Equal(276, set.TrueIndices.Zip(set.PredictedIndices).Count(p => p.First == p.Second));
        Assert.False(set.PredictedFromProbabilities);
        Assert.False(set.HasExampleIds);
        Assert.Equal("1", set.ExampleIds[0]);
        Assert.Equal(2, set.Lines[0]);

        // probability_window_BZ = p of class "1"; class "0" gets 1 − p
        Assert.True(set.HasProbabilities);
        Assert.Equal(0.0004, set.Probability(0, 1));
        Assert.Equal(1 - 0.0004, set.Probability(0, 0));
        Assert.Equal(0.9738, set.Probability(284, 1));
        Assert.Equal(62, Enumerable.Range(0, set.Count).MaxBy(i => set.Probability(i, 1)));

        var time = set.Slice("time");
        Assert.NotNull(time);
        Assert.Equal("2026-05-03 11:10:00", time.Values[0]);
        Assert.Equal("2026-05-04 10:50:00", time.Values[^1]);
        Assert.Single(set.Slices);

        Assert.Contains(set.ColumnUses, u => u.Role == "label" && u.Column == "label_window_BZ");
        Assert.Contains(set.ColumnUses, u => u.Role == "predicted" && u.Column == "prediction_window_BZ");
        Assert.Contains(set.ColumnUses, u => u.Role == "prob_1" && u.Column == "probability_window_BZ");
        Assert.Empty(set.Warnings); // every prediction agrees with p ≥ 0.5 there
    }

    [SharedFact]
    public async Task Finance_news_sentiment_reads_200_rows_of_five_classes_with_163_correct()
    {
        var set = await PredictionsReader.ReadClassificationAsync(Finance);

        Assert.Equal(200, set.Count);
        Assert.Equal(["Drastic Fall", "Drastic Rise", "Fall", "Rise", "Stable"], set.Classes.ToArray());
        Assert.Equal(163, set.TrueIndices.Zip(set.PredictedIndices).Count(p => p.First == p.Second));
        Assert.Equal(173, set.TrueIndices.Count(i => set.Classes[i] == "Stable"));
        Assert.Equal(169, set.PredictedIndices.Count(i => set.Classes[i] == "Stable"));
        Assert.Equal(8, set.TrueIndices.Count(i => set.Classes[i] == "Fall"));
        Assert.Equal(16, set.PredictedIndices.Count(i => set.Classes[i] == "Fall"));
        Assert.Equal("Fall", set.Classes[set.TrueIndices[2]]);
        Assert.Equal("Stable", set.Classes[set.PredictedIndices[2]]);
        Assert.False(set.HasProbabilities);
        Assert.Equal(["Date", "Input_Text", "Is_Correct"], set.Slices.Select(s => s.Name).ToArray());
        Assert.Equal("01-06-2015", set.Slice("Date")!.Values[0]);
        Assert.Equal("21-01-2022", set.Slice("Date")!.Values[^1]);
        Assert.Equal(163, set.Slice("Is_Correct")!.Values.Count(v => v == "True"));
        Assert.StartsWith("Context: [Quarter: Q2, VIX: 13.97", set.Slice("Input_Text")!.Values[0], StringComparison.Ordinal);
        Assert.Contains(set.ColumnUses, u => u.Role == "label" && u.Column == "Ground_Truth" && u.Note == "alias");
        Assert.Contains(set.ColumnUses, u => u.Role == "predicted" && u.Column == "AI_Prediction");
        Assert.Empty(set.Warnings);
    }

    [SharedFact]
    public async Task Survives_1500_mutations_of_the_binary_export() =>
        await Fuzz.RunAsync(await File.ReadAllBytesAsync(Binary), "predictions.csv",
            p => PredictionsReader.ReadAsync(p), iterations: 1500, seed: 71);

    [SharedFact]
    public async Task Survives_1500_mutations_of_the_finance_export() =>
        await Fuzz.RunAsync(await File.ReadAllBytesAsync(Finance), "predictions.csv",
            p => PredictionsReader.ReadAsync(p), iterations: 1500, seed: 72);
}

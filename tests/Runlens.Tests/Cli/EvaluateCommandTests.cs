using System.Text.Json;
using Runlens.Tests.Support;

namespace Runlens.Tests.Cli;

/// <summary><c>runlens evaluate</c> through the real executable. Expected values were computed by scikit-learn 1.2.1
/// (Debian's python3-sklearn) from the same files.</summary>
public sealed class EvaluateCommandTests
{
    [SharedFact]
    public async Task The_binary_window_predictions_give_scikit_learns_metrics()
    {
        var file = Path.Combine(Fixtures.Shared("predictions-binary-window-detection-probabilities"), "window_predictions_bz_pytorch.csv");
        var r = await RunlensProcess.RunAsync("evaluate", file, "--format", "json");
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.StdOut);
        var m = doc.RootElement.GetProperty("metrics");
        Assert.Equal("runlens.evaluation/v2", doc.RootElement.GetProperty("schema").GetString());
        Assert.Equal(285, doc.RootElement.GetProperty("examples").GetInt32());
        Close(0.968421052631579, m.GetProperty("accuracy").GetDouble());
        Close(0.9474654377880185, m.GetProperty("f1").GetProperty("macro").GetDouble());
        Close(0.9683063717398481, m.GetProperty("roc_auc").GetProperty("binary").GetDouble());
        Close(0.24218713518864038, m.GetProperty("log_loss").GetDouble());
        Assert.False(m.TryGetProperty("top_k_accuracy", out _)); // k ≥ 2 classes: meaningless, left out
    }

    [SharedFact]
    public async Task The_finance_predictions_without_scores_give_label_metrics_only()
    {
        var file = Path.Combine(Fixtures.Shared("predictions-finance-news-sentiment"), "study_dataset_with_predictions.csv");
        var r = await RunlensProcess.RunAsync("evaluate", file, "--format", "json");
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.StdOut);
        var m = doc.RootElement.GetProperty("metrics");
        Close(0.815, m.GetProperty("accuracy").GetDouble());
        Close(0.4908258580085206, m.GetProperty("f1").GetProperty("macro").GetDouble());
        Close(0.4597807138269566, m.GetProperty("balanced_accuracy").GetDouble());
        Close(0.29816211989251284, m.GetProperty("mcc").GetDouble());
        Assert.False(m.TryGetProperty("roc_auc", out _));
        Assert.False(m.TryGetProperty("log_loss", out _));
    }

    [Fact]
    public async Task Seeds_are_aggregated_and_the_best_seed_named()
    {
        using var dir = new TempDir();
        // Three seeds of one 4-example binary task: accuracies 1.0, 0.75, 0.5.
        string[][] predicted = [["a", "b", "a", "b"], ["a", "b", "a", "a"], ["a", "b", "b", "a"]];
        var files = new List<string>();
        for (var s = 0; s < 3; s++)
        {
            var f = dir.File($"seed{s}.csv");
            await File.WriteAllLinesAsync(f, ["example_id,label,predicted", .. Enumerable.Range(0, 4).Select(i => $"{i},{(i % 2 == 0 ? "a" : "b")},{predicted[s][i]}")]);
            files.Add(f);
        }

        var r = await RunlensProcess.RunAsync(["evaluate", .. files, "--seeds", "--format", "json"]);
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.StdOut);
        var root = doc.RootElement;
        Assert.Equal("runlens.evaluation-set/v2", root.GetProperty("schema").GetString());
        var acc = root.GetProperty("aggregate").GetProperty("accuracy");
        Assert.Equal([1.0, 0.75, 0.5], acc.GetProperty("values").EnumerateArray().Select(v => v.GetDouble()));
        Assert.Equal(0.75, acc.GetProperty("mean").GetDouble(), 12);
        Assert.Equal(0.25, acc.GetProperty("std").GetDouble(), 12);
        // scipy.stats.t.ppf(0.975, 2) = 4.302652729749464; 0.75 ± 4.3027 × 0.25 / √3
        Assert.Equal(0.75 - (4.302652729749464 * 0.25 / Math.Sqrt(3)), acc.GetProperty("ci95")[0].GetDouble(), 9);
        Assert.EndsWith("seed0.csv", root.GetProperty("best_seed").GetString(), StringComparison.Ordinal);

        // Macro-F1 spreads 1.0 / 0.733 / 0.5 across the seeds: far above max_range, a seed-variance warning.
        var seedVariance = Assert.Single(root.GetProperty("findings").EnumerateArray());
        Assert.Equal("seed-variance", seedVariance.GetProperty("rule").GetString());
        Assert.Equal("warning", seedVariance.GetProperty("severity").GetString());
    }

    [Fact]
    public async Task A_token_file_gets_entity_scores()
    {
        using var dir = new TempDir();
        var f = dir.File("ner.csv");
        await File.WriteAllLinesAsync(f, ["sentence_id,label,predicted", "1,B-PER,B-PER", "1,I-PER,I-PER", "1,O,O", "2,B-LOC,B-ORG", "2,O,O"]);
        var r = await RunlensProcess.RunAsync("evaluate", f, "--format", "json");
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.StdOut);
        var e = doc.RootElement.GetProperty("entities");
        // gold PER, LOC; predicted PER, ORG: PER right, LOC missed, ORG spurious.
        Assert.Equal(0.5, e.GetProperty("micro").GetProperty("precision").GetDouble());
        Assert.Equal(0.5, e.GetProperty("micro").GetProperty("recall").GetDouble());
        Assert.Equal(1.0, e.GetProperty("per_type").GetProperty("PER").GetProperty("f1").GetDouble());
        Assert.Equal(0.8, e.GetProperty("token_accuracy").GetDouble(), 12);
    }

    [Fact]
    public async Task A_bad_file_is_one_line_on_stderr_and_exit_2()
    {
        using var dir = new TempDir();
        var f = dir.File("bad.csv");
        await File.WriteAllLinesAsync(f, ["example_id,label,prob_a,prob_b", "1,a,0.2,NaN"]);
        var r = await RunlensProcess.RunAsync("evaluate", f);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("bad.csv", r.StdErr, StringComparison.Ordinal);
        Assert.Contains("line 2", r.StdErr, StringComparison.Ordinal);
        Assert.Single(r.StdErr.TrimEnd().Split('\n'));
    }

    [SharedFact]
    public async Task Analyze_with_the_runs_predictions_adds_the_prediction_rules_and_metrics()
    {
        // INDEX.md: the finance predictions come from the RoBERTa run whose trainer_state is hf-trainer-finance-news-sentiment.
        var run = Fixtures.Shared("hf-trainer-finance-news-sentiment");
        var predictions = Path.Combine(Fixtures.Shared("predictions-finance-news-sentiment"), "study_dataset_with_predictions.csv");
        var r = await RunlensProcess.RunAsync("analyze", run, "--predictions", predictions, "--format", "json");
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.StdOut);
        var root = doc.RootElement;
        Close(0.815, root.GetProperty("predictions").GetProperty("metrics").GetProperty("accuracy").GetDouble());
        var imbalance = root.GetProperty("findings").EnumerateArray().Single(f => f.GetProperty("rule").GetString() == "class-imbalance");
        Assert.Equal("validation-predictions", imbalance.GetProperty("evidence").GetProperty("evidence_source").GetString());
        Assert.Contains(root.GetProperty("findings").EnumerateArray(), f => f.GetProperty("rule").GetString() == "confusion-pairs");
        Assert.DoesNotContain(root.GetProperty("coverage").GetProperty("missing").EnumerateArray(), m => m.GetProperty("signal").GetString() == "predictions");

        var text = await RunlensProcess.RunAsync("analyze", run, "--predictions", predictions);
        Assert.Contains("predictions  200 examples, 5 classes: accuracy 0.815", text.StdOut.Replace("   ", "  ", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_bucket_spec_is_a_usage_error()
    {
        using var dir = new TempDir();
        var f = dir.File("p.csv");
        await File.WriteAllLinesAsync(f, ["example_id,label,predicted,duration", "1,a,a,3"]);
        var r = await RunlensProcess.RunAsync("evaluate", f, "--bucket-by", "duration:5,x");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("'x' is not a number", r.StdErr, StringComparison.Ordinal);
    }

    private static void Close(double expected, double actual) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-9, $"expected {expected:R}, got {actual:R}");
}

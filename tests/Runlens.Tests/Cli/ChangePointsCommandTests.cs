using System.Globalization;
using System.Text.Json;
using Runlens.Tests.Support;

namespace Runlens.Tests.Cli;

/// <summary><c>runlens changepoints</c> through the real executable, on ruptures oracle signals written as plain files.</summary>
public sealed class ChangePointsCommandTests
{
    [Theory]
    [InlineData("l2.jsonl", "pc4_n1000__l2_m5_j1_p3logn_var", "csv")]
    [InlineData("l2.jsonl", "pc5_5d_n1000__l2_m5_j5_p3logn_var", "csv")]
    [InlineData("rbf.jsonl", "pc4_2d_n500__rbf_m2_j1_p10", "jsonl")]
    public async Task A_values_file_gives_the_ruptures_breakpoints(string oracle, string id, string fileKind)
    {
        using var caseDoc = OracleCase(oracle, id);
        var c = caseDoc.RootElement;
        using var dir = new TempDir();
        var file = dir.File("signal." + fileKind);
        var rows = c.GetProperty("signal").EnumerateArray()
            .Select(e => e.ValueKind == JsonValueKind.Array ? e.EnumerateArray().Select(v => v.GetDouble()).ToArray() : [e.GetDouble()])
            .ToList();
        await File.WriteAllLinesAsync(file, fileKind == "csv"
            ? rows.Select(r => string.Join(',', r.Select(v => v.ToString("R", CultureInfo.InvariantCulture))))
            : rows.Select(r => JsonSerializer.Serialize(r)));

        var pen = c.GetProperty("pen").GetDouble().ToString("R", CultureInfo.InvariantCulture);
        var r = await RunlensProcess.RunAsync("changepoints", file, "--cost", c.GetProperty("model").GetString()!, "--penalty", pen,
            "--min-size", c.GetProperty("min_size").GetInt32().ToString(CultureInfo.InvariantCulture),
            "--jump", c.GetProperty("jump").GetInt32().ToString(CultureInfo.InvariantCulture), "--format", "json");

        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.StdOut);
        var root = doc.RootElement;
        Assert.Equal("runlens.changepoints/v1", root.GetProperty("schema").GetString());
        Assert.Equal(c.GetProperty("breakpoints").EnumerateArray().Select(e => e.GetInt32()), root.GetProperty("breakpoints").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(c.GetProperty("n").GetInt32(), root.GetProperty("n").GetInt32());
        Assert.Equal(c.GetProperty("pen").GetDouble(), root.GetProperty("penalty").GetDouble());
    }

    [Fact]
    public async Task Without_a_penalty_the_3logn_var_rule_gives_the_oracles_answer()
    {
        using var caseDoc = OracleCase("l2.jsonl", "pc3_n500__l2_m2_j1_p3logn_var");
        var c = caseDoc.RootElement;
        using var dir = new TempDir();
        var file = dir.File("loss.csv");
        await File.WriteAllLinesAsync(file, ["loss", .. c.GetProperty("signal").EnumerateArray().Select(e => e.GetRawText())]);

        var r = await RunlensProcess.RunAsync("changepoints", file, "--format", "json");

        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.StdOut);
        Assert.Equal([135, 217, 500], doc.RootElement.GetProperty("breakpoints").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal("3logn_var", doc.RootElement.GetProperty("penalty_rule").GetString());
    }

    [Fact]
    public async Task A_run_series_is_searched_and_segments_name_their_steps()
    {
        var r = await RunlensProcess.RunAsync("changepoints", "examples/hf-trainer-multi-eval-overfit", "--series", "val/g0_loss");
        Assert.Equal(0, r.ExitCode);
        Assert.StartsWith("val/g0_loss in examples/hf-trainer-multi-eval-overfit: 31 samples", r.StdOut, StringComparison.Ordinal);
        Assert.Contains("steps 0–", r.StdOut, StringComparison.Ordinal);
        Assert.Equal("", r.StdErr);
    }

    [Fact]
    public async Task A_cell_that_is_not_a_number_is_one_line_naming_the_line()
    {
        using var dir = new TempDir();
        var file = dir.File("bad.csv");
        await File.WriteAllLinesAsync(file, ["1.0", "2.0", "two", "4.0"]);
        var r = await RunlensProcess.RunAsync("changepoints", file);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("bad.csv: line 3: a cell is not a number", r.StdErr, StringComparison.Ordinal);
        Assert.Single(r.StdErr.TrimEnd().Split('\n'));
    }

    [Fact]
    public async Task A_signal_shorter_than_min_size_is_refused_cleanly()
    {
        using var dir = new TempDir();
        var file = dir.File("short.csv");
        await File.WriteAllLinesAsync(file, ["1", "2", "3"]);
        var r = await RunlensProcess.RunAsync("changepoints", file, "--min-size", "5");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("fewer than the minimum segment size 5", r.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_series_lists_what_the_run_logs()
    {
        var r = await RunlensProcess.RunAsync("changepoints", "examples/hf-trainer-multi-eval-overfit", "--series", "val/nothing");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("no run here logs 'val/nothing'", r.StdErr, StringComparison.Ordinal);
        Assert.Contains("train/loss", r.StdErr, StringComparison.Ordinal);
    }

    private static JsonDocument OracleCase(string file, string id) =>
        JsonDocument.Parse(File.ReadLines(Fixtures.Test(Path.Combine("oracles", "ruptures", file)))
            .Single(l => l.Contains($"\"id\":\"{id}\"", StringComparison.Ordinal)));
}

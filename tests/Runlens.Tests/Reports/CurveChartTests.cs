using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Runlens.Import;
using Runlens.Tests.Mcp;
using Runlens.Tests.Support;

namespace Runlens.Tests.Reports;

/// <summary>
/// Per-class ROC and precision-recall curves where people and agents see them: <c>runlens evaluate</c>'s JSON (shape and
/// counts read from the file itself; the values are checked against scikit-learn in CurvesOracleTests), the HTML report
/// of <c>runlens analyze --predictions</c>, and the run page of <c>runlens serve</c> after an upload.
/// </summary>
public sealed partial class CurveChartTests
{
    private static readonly string[] Classes = ["cat", "dog", "bird"];

    /// <summary>90 examples of three classes with probabilities: a deterministic, imperfect classifier.</summary>
    private static string Csv()
    {
        var csv = new StringBuilder("example_id,label,prob_cat,prob_dog,prob_bird\n");
        for (var i = 0; i < 90; i++)
        {
            var label = i % 3;
            var p = new double[3];
            for (var c = 0; c < 3; c++)
            {
                p[c] = 1 + ((i * 7 + c * 13) % 10);
            }

            p[label] += 6 + (i % 5);
            var sum = p.Sum();
            csv.Append(CultureInfo.InvariantCulture, $"e{i},{Classes[label]},{p[0] / sum:R},{p[1] / sum:R},{p[2] / sum:R}\n");
        }

        return csv.ToString();
    }

    [Fact]
    public async Task Evaluate_json_has_a_roc_and_a_precision_recall_curve_per_class()
    {
        using var dir = new TempDir();
        var file = dir.File("predictions.csv");
        await File.WriteAllTextAsync(file, Csv());
        var r = await RunlensProcess.RunAsync("evaluate", file, "--format", "json");
        Assert.True(r.ExitCode == 0, r.StdErr);
        using var doc = JsonDocument.Parse(r.StdOut);
        Assert.Equal("runlens.evaluation/v3", doc.RootElement.GetProperty("schema").GetString());
        var curves = doc.RootElement.GetProperty("curves");
        Assert.Equal(Classes.Order(StringComparer.Ordinal), curves.EnumerateObject().Select(c => c.Name).Order(StringComparer.Ordinal));
        foreach (var c in curves.EnumerateObject())
        {
            Assert.Equal((30, 60), (c.Value.GetProperty("positives").GetInt32(), c.Value.GetProperty("negatives").GetInt32()));
            var roc = c.Value.GetProperty("roc");
            var fpr = Numbers(roc, "fpr");
            var tpr = Numbers(roc, "tpr");
            Assert.Equal((0.0, 0.0, 1.0, 1.0), (fpr[0], tpr[0], fpr[^1], tpr[^1]));
            Assert.Equal("Infinity", roc.GetProperty("thresholds")[0].GetString());
            Assert.Equal(fpr.Length, roc.GetProperty("points").GetInt32());
            Assert.True(fpr.Zip(fpr.Skip(1)).All(p => p.First <= p.Second) && tpr.Zip(tpr.Skip(1)).All(p => p.First <= p.Second));

            var pr = c.Value.GetProperty("pr");
            var precision = Numbers(pr, "precision");
            var recall = Numbers(pr, "recall");
            Assert.Equal((1.0, 0.0), (precision[^1], recall[^1]));
            Assert.Equal(1.0, recall[0]);
            Assert.Equal(30.0 / 90, precision[0], 12); // at the lowest threshold every example is predicted positive
            Assert.Equal(precision.Length - 1, pr.GetProperty("thresholds").GetArrayLength());
        }
    }

    [Fact]
    public async Task The_html_report_draws_one_line_per_class_in_each_chart_and_the_diagnosis_json_leaves_the_curves_out()
    {
        using var dir = new TempDir();
        var file = dir.File("predictions.csv");
        await File.WriteAllTextAsync(file, Csv());
        var run = Fixtures.Example(McpStoreFixture.HfExample);
        var html = await RunlensProcess.RunAsync("analyze", run, "--predictions", file, "--format", "html");
        Assert.True(html.ExitCode == 0, html.StdErr);
        AssertCharts(html.StdOut);

        var json = await RunlensProcess.RunAsync("analyze", run, "--predictions", file, "--format", "json");
        using var doc = JsonDocument.Parse(json.StdOut);
        Assert.False(doc.RootElement.GetProperty("predictions").TryGetProperty("curves", out _));

        var none = await RunlensProcess.RunAsync("analyze", run, "--format", "html");
        Assert.DoesNotContain("<svg class=\"curve-chart", none.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_run_page_shows_the_curves_of_uploaded_predictions()
    {
        await using var server = await TestServer.StartAsync();
        var run = Assert.Single((await ImporterCatalog.ImportAsync(Fixtures.Example(McpStoreFixture.HfExample))).Runs);
        await server.Store.SaveRunAsync(run);
        using var body = new StringContent(Csv(), Encoding.UTF8);
        body.Headers.ContentType = MediaTypeHeaderValue.Parse("text/csv");
        using var put = await server.Http.PutAsync($"/api/runs/{run.Identity.Id}/predictions?format=csv", body);
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        AssertCharts(await server.Http.GetStringAsync($"/runs/{run.Identity.Id}"));
    }

    private static void AssertCharts(string html)
    {
        foreach (var kind in new[] { "roc", "pr" })
        {
            var svg = Regex.Match(html, $"<svg class=\"curve-chart curve-{kind}\".*?</svg>", RegexOptions.Singleline);
            Assert.True(svg.Success, $"no {kind} chart");
            Assert.Equal(Classes.Order(StringComparer.Ordinal), DataClass().Matches(svg.Value).Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal));
        }

        Assert.Contains("(average precision ", html, StringComparison.Ordinal);
    }

    private static double[] Numbers(JsonElement e, string property) =>
        [.. e.GetProperty(property).EnumerateArray().Select(v => v.ValueKind == JsonValueKind.String ? double.Parse(v.GetString()!, CultureInfo.InvariantCulture) : v.GetDouble())];

    [GeneratedRegex("<polyline data-class=\"([^\"]+)\"")]
    private static partial Regex DataClass();
}

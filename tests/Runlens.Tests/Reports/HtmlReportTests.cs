using System.Text.Json;
using System.Text.RegularExpressions;
using Runlens.Analysis.Diagnoses;
using Runlens.Model;
using Runlens.Reports;
using Runlens.Tests.Support;

namespace Runlens.Tests.Reports;

/// <summary><c>runlens analyze RUN --format html</c>: one self-contained file, opened from disk in a real Chromium.</summary>
public sealed partial class HtmlReportTests
{
    [BrowserFact]
    public async Task The_report_opens_from_file_and_draws_every_chart_with_its_finding_markers()
    {
        using var dir = new TempDir();
        var report = Path.Combine(dir.Path, "report.html");
        var written = await RunlensProcess.RunAsync("analyze", "examples/hf-trainer-multi-eval-overfit", "--format", "html", "--out", report);
        Assert.Equal(0, written.ExitCode);
        var json = await RunlensProcess.RunAsync("analyze", "examples/hf-trainer-multi-eval-overfit", "--format", "json");
        using var diagnosis = JsonDocument.Parse(json.StdOut);
        var overfitting = diagnosis.RootElement.GetProperty("findings").EnumerateArray().First(f => f.GetProperty("rule").GetString() == "overfitting");
        var overfitStep = overfitting.GetProperty("steps")[0].GetInt64();

        // nothing is fetched: every script and style is inline
        var html = await File.ReadAllTextAsync(report);
        Assert.DoesNotMatch(ExternalReference(), html);

        await using var browser = await Browser.LaunchAsync();
        var page = await browser.Chromium.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);
        await page.GotoAsync(new Uri(report).AbsoluteUri);
        await page.WaitForSelectorAsync("html[data-charts-ready]");
        Assert.Empty(errors);

        // one chart per metric name; each holds the points of its series
        var run = (await Runlens.Import.ImporterCatalog.ImportAsync(Path.Combine(Fixtures.RepoRoot, "examples/hf-trainer-multi-eval-overfit"))).Runs.Single();
        var names = run.Series.Values.Where(s => s.Count > 0).Select(s => MetricNames.NameOf(s.Key)).Distinct().Count();
        var charts = await page.EvaluateAsync<JsonElement>("() => runlens.charts.map(c => ({ title: c.title, x: c.plot.data[0].length, series: c.plot.data.length, painted: (() => { const cv = c.plot.ctx.canvas; const d = c.plot.ctx.getImageData(0, 0, cv.width, cv.height).data; let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n; })() }))");
        Assert.Equal(names, charts.GetArrayLength());
        foreach (var chart in charts.EnumerateArray())
        {
            Assert.True(chart.GetProperty("painted").GetInt32() > 2000, $"chart {chart.GetProperty("title")} looks blank");
        }

        var loss = charts.EnumerateArray().First(c => c.GetProperty("title").GetString() == "g0_loss");
        var steps = run.Series.Values.Where(s => MetricNames.NameOf(s.Key) == "g0_loss").SelectMany(s => s.Points.Select(p => p.Step)).Distinct().Count();
        Assert.Equal(steps, loss.GetProperty("x").GetInt32());

        // the overfitting finding's marker sits on the loss chart at its step
        var marker = await page.EvaluateAsync<JsonElement>($$"""
            () => { const c = runlens.charts.find(c => c.title === "g0_loss");
                    const m = c.plot.over.querySelector('.rl-marker[data-kind="finding"][data-step="{{overfitStep}}"]');
                    return m ? { left: parseFloat(m.style.left), expected: c.plot.valToPos({{overfitStep}}, "x") } : null; }
            """);
        Assert.Equal(JsonValueKind.Object, marker.ValueKind);
        Assert.Equal(marker.GetProperty("expected").GetDouble(), marker.GetProperty("left").GetDouble(), 0.5);

        // severity is text as well as colour; the log-scale toggle redraws the chart on a log axis
        Assert.Equal(overfitting.GetProperty("severity").GetString()!.ToUpperInvariant(), await page.InnerTextAsync(".finding[data-rule=\"overfitting\"] .sev"));
        await page.Locator("#chart-0").ScreenshotAsync(new() { Path = Path.Combine(Browser.Artifacts, "html-report-loss-chart.png") });
        await page.Locator(".findings").ScreenshotAsync(new() { Path = Path.Combine(Browser.Artifacts, "html-report-findings.png") });
        await page.ClickAsync("#chart-0 .tools button");
        Assert.Equal(3, await page.EvaluateAsync<int>("() => runlens.charts[0].plot.scales.y.distr"));
        await page.ScreenshotAsync(new() { Path = Path.Combine(Browser.Artifacts, "html-report.png"), FullPage = true });

        // dark mode follows the system setting
        Assert.Equal("rgb(255, 255, 255)", await page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor"));
        await page.EmulateMediaAsync(new() { ColorScheme = Microsoft.Playwright.ColorScheme.Dark });
        await page.ReloadAsync();
        await page.WaitForSelectorAsync("html[data-charts-ready]");
        Assert.Equal("rgb(17, 20, 24)", await page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor"));
        await page.Locator("#chart-0").ScreenshotAsync(new() { Path = Path.Combine(Browser.Artifacts, "html-report-dark-chart.png") });
    }

    [Fact]
    public void A_long_series_is_drawn_from_buckets_whose_band_keeps_a_one_point_spike_and_nan_markers()
    {
        var values = Enumerable.Range(0, 200_000).Select(i => 2 * Math.Exp(-i / 50_000.0)).ToArray();
        values[123_457] = 9.5;
        values[150_001] = double.NaN;
        var run = new RunBuilder().Series("train/loss", 1, values).Series("val/loss", 10_000, 1.9, 1.5, 1.2, 1.1, 1.15).Build();
        using var output = new MemoryStream();
        Renderers.For("html").Render([new Diagnoser().Diagnose(run)], output);
        var html = System.Text.Encoding.UTF8.GetString(output.ToArray());
        var data = DataJson().Match(html).Groups[1].Value;
        using var doc = JsonDocument.Parse(data);
        var chart = doc.RootElement.GetProperty("runs")[0].GetProperty("charts").EnumerateArray().Single(c => c.GetProperty("title").GetString() == "loss");
        var train = chart.GetProperty("series").EnumerateArray().Single(s => s.GetProperty("key").GetString() == "train/loss");
        Assert.True(train.GetProperty("downsampled").GetBoolean());
        Assert.Equal(200_000, train.GetProperty("points").GetInt32());
        Assert.InRange(chart.GetProperty("x").GetArrayLength(), 1_000, Runlens.Reports.Html.ChartData.Buckets + 5);
        Assert.Equal(9.5, train.GetProperty("hi").EnumerateArray().Where(v => v.ValueKind == JsonValueKind.Number).Max(v => v.GetDouble()));
        Assert.Contains(chart.GetProperty("markers").EnumerateArray(), m => m.GetProperty("kind").GetString() == "nonfinite" && m.GetProperty("step").GetInt64() == 150_002);
        // the val series is drawn point by point on the same x
        var val = chart.GetProperty("series").EnumerateArray().Single(s => s.GetProperty("key").GetString() == "val/loss");
        Assert.Equal(5, val.GetProperty("y").EnumerateArray().Count(v => v.ValueKind == JsonValueKind.Number));
        Assert.DoesNotContain("</script><", data, StringComparison.Ordinal);
    }

    [GeneratedRegex("""(?:src|href)\s*=\s*["'](?:https?:)?//""")]
    private static partial Regex ExternalReference();

    [GeneratedRegex("""<script type="application/json" id="runlens-data">(.*?)</script>""", RegexOptions.Singleline)]
    private static partial Regex DataJson();
}

using System.Text.Json;
using Runlens.Import;
using Runlens.Tests.Support;

namespace Runlens.Tests.Server;

/// <summary>The pages of <c>runlens serve</c> in a real Chromium, over a server on a loopback port holding real runs
/// imported from the committed examples.</summary>
public sealed class WebUiTests
{
    [BrowserFact]
    public async Task The_runs_table_lists_the_runs_and_a_run_page_draws_its_charts()
    {
        await using var server = await TestServer.StartAsync();
        var names = new List<string>();
        foreach (var example in Fixtures.RunExamples().Order())
        {
            foreach (var run in (await ImporterCatalog.ImportAsync(example)).Runs)
            {
                await server.Store.SaveRunAsync(run);
                names.Add(run.Identity.Name);
            }
        }

        await using var browser = await Browser.LaunchAsync();
        var page = await browser.Chromium.NewPageAsync(new() { ViewportSize = new() { Width = 1400, Height = 900 } });
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);
        await page.GotoAsync(server.Address.AbsoluteUri);
        await page.WaitForSelectorAsync("html[data-loaded]");
        var rows = (await page.Locator("#runs tbody tr").AllInnerTextsAsync()).Select(r => r.Trim()).ToList();
        Assert.Equal(names.Count, rows.Count);
        Assert.All(names, n => Assert.Contains(rows, r => r.StartsWith(n, StringComparison.Ordinal)));
        // the overfitting example is diagnosed in the table: status as text, counts by severity
        var overfit = rows.Single(r => r.StartsWith("hf-trainer-multi-eval-overfit", StringComparison.Ordinal) || r.Contains("multi-eval", StringComparison.Ordinal));
        Assert.Contains("CRITICAL", overfit, StringComparison.Ordinal);
        Assert.Contains("error", overfit, StringComparison.Ordinal);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Browser.Artifacts, "ui-runs.png"), FullPage = true });

        // a filter in MLflow syntax, kept in the URL
        await page.FillAsync("#filter", "attributes.run_name LIKE '%mnist%'");
        await page.ClickAsync("#search button");
        await page.WaitForFunctionAsync("() => document.querySelectorAll('#runs tbody tr').length > 0 && [...document.querySelectorAll('#runs tbody tr')].every(r => r.innerText.includes('mnist'))");
        Assert.Contains("filter=", page.Url, StringComparison.Ordinal);
        await page.FillAsync("#filter", "metrics.loss <<< 1");
        await page.ClickAsync("#search button");
        await page.WaitForFunctionAsync("() => document.getElementById('message').textContent.includes('Invalid comparator')");

        // a run page: findings and charts drawn
        await page.GotoAsync(server.Address.AbsoluteUri);
        await page.WaitForSelectorAsync("html[data-loaded]");
        await page.ClickAsync("#runs tbody tr a >> text=/multi-eval/");
        await page.WaitForSelectorAsync("html[data-charts-ready]");
        var painted = await page.EvaluateAsync<int[]>("() => runlens.charts.map(c => { const cv = c.plot.ctx.canvas; const d = c.plot.ctx.getImageData(0, 0, cv.width, cv.height).data; let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n; })");
        Assert.NotEmpty(painted);
        Assert.All(painted, n => Assert.True(n > 2000, "a chart looks blank"));
        Assert.True(await page.Locator(".finding[data-rule=\"overfitting\"]").CountAsync() == 1);
        var docs = await page.GetAttributeAsync(".finding[data-rule=\"overfitting\"] a.rule", "href");
        using (var rulePage = await server.Http.GetAsync(new Uri(new Uri(page.Url), docs)))
        {
            Assert.Contains("# RL0101", await rulePage.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        await page.ScreenshotAsync(new() { Path = Path.Combine(Browser.Artifacts, "ui-run.png") });

        // the zoom is in the address: a shared link opens on the same view; keys zoom and reset a focused chart
        var shared = page.Url.Split('?')[0] + "?zoom=chart-0:1000:5000";
        await page.GotoAsync(shared);
        await page.WaitForSelectorAsync("html[data-charts-ready]");
        var zoomed = await page.EvaluateAsync<double[]>("() => [runlens.charts[0].plot.scales.x.min, runlens.charts[0].plot.scales.x.max]");
        Assert.Equal(new[] { 1000.0, 5000.0 }, zoomed);
        await page.FocusAsync("#chart-0");
        await page.Keyboard.PressAsync("+");
        var closer = await page.EvaluateAsync<double[]>("() => [runlens.charts[0].plot.scales.x.min, runlens.charts[0].plot.scales.x.max]");
        Assert.Equal(new[] { 2000.0, 4000.0 }, closer);
        Assert.Contains("zoom=chart-0%3A2000%3A4000", page.Url, StringComparison.Ordinal);
        await page.Keyboard.PressAsync("r");
        Assert.DoesNotContain("zoom=", page.Url, StringComparison.Ordinal);
        Assert.Empty(errors);
    }

    [BrowserFact]
    public async Task Two_runs_picked_in_the_table_are_compared_config_diff_values_and_overlaid_curves()
    {
        await using var server = await TestServer.StartAsync();
        static string Values(Func<int, double> f, int n) => string.Join(",", Enumerable.Range(0, n).Select(i => f(i).ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
        var runs = new (string Id, string Lr, Func<int, double> Loss, double[] Accuracy)[]
        {
            ("lr-high", "0.1", i => 1 - (i * 0.005), [0.5, 0.6, 0.7, 0.86]),
            ("lr-low", "0.01", i => 1 - (i * 0.004), [0.5, 0.9, 0.8, 0.75]),
        };
        foreach (var (id, lr, loss, accuracy) in runs)
        {
            await server.CallAsync(HttpMethod.Post, "/api/runs", "{\"id\": \"" + id + "\", \"config\": {\"learning_rate\": " + lr + ", \"optim\": \"adamw\", \"epochs\": 3}}");
            var (status, _) = await server.CallAsync(HttpMethod.Post, $"/api/runs/{id}/points",
                "{\"series\": [{\"key\": \"loss\", \"steps\": [" + string.Join(",", Enumerable.Range(0, 100)) + "], \"values\": [" + Values(loss, 100) + "]},"
                + " {\"key\": \"eval_accuracy\", \"steps\": [25, 50, 75, 99], \"values\": [" + Values(i => accuracy[i], 4) + "]}]}");
            Assert.Equal(200, status);
        }

        await using var browser = await Browser.LaunchAsync();
        var page = await browser.Chromium.NewPageAsync(new() { ViewportSize = new() { Width = 1400, Height = 900 } });
        await page.GotoAsync(server.Address.AbsoluteUri);
        await page.WaitForSelectorAsync("html[data-loaded]");
        Assert.True(await page.IsDisabledAsync("#compare"));
        await page.CheckAsync("#runs tbody tr[data-run=\"lr-high\"] input");
        await page.CheckAsync("#runs tbody tr[data-run=\"lr-low\"] input");
        await page.ClickAsync("#compare");
        await page.WaitForSelectorAsync("html[data-charts-ready]");

        // only the key that differs
        Assert.Equal(["learning_rate"], await page.Locator(".config-diff tbody th").AllInnerTextsAsync());
        var order = (await page.Locator(".config-diff thead th").AllInnerTextsAsync()).ToList();
        var lossRow = await page.Locator(".best-final tr[data-key=\"train/loss\"] td").AllInnerTextsAsync();
        var accuracyRow = await page.Locator(".best-final tr[data-key=\"val/accuracy\"] td").AllInnerTextsAsync();
        var high = order.IndexOf("lr-high") - 1;
        var low = order.IndexOf("lr-low") - 1;
        Assert.Equal("best 0.505 @99, final 0.505 @99", lossRow[high]);
        Assert.Equal("best 0.604 @99, final 0.604 @99", lossRow[low]);
        Assert.Equal("best 0.9 @50, final 0.75 @99", accuracyRow[low]);
        Assert.Equal("best 0.86 @99, final 0.86 @99", accuracyRow[high]);

        // one chart per metric, one curve per run, in different colours
        var charts = await page.EvaluateAsync<JsonElement>("() => runlens.charts.map(c => ({ title: c.title, curves: c.plot.series.length - 1, colors: [...new Set(c.plot.series.slice(1).map(s => s._stroke || s.stroke))].length }))");
        var lossChart = charts.EnumerateArray().Single(c => c.GetProperty("title").GetString() == "train/loss");
        Assert.Equal((2, 2), (lossChart.GetProperty("curves").GetInt32(), lossChart.GetProperty("colors").GetInt32()));
        await page.ScreenshotAsync(new() { Path = Path.Combine(Browser.Artifacts, "ui-compare.png"), FullPage = true });

        var (s, body) = await server.CallAsync(HttpMethod.Get, "/compare?runs=lr-high");
        Assert.Equal((400, "INVALID_PARAMETER_VALUE"), (s, body.GetProperty("error_code").GetString()));
    }

    [BrowserFact]
    public async Task A_running_runs_page_redraws_as_points_arrive_and_shows_its_predictions()
    {
        await using var server = await TestServer.StartAsync();
        await server.CallAsync(HttpMethod.Post, "/api/runs", """{"id": "live", "name": "live"}""");
        static string Batch(int from, int n) => "{\"series\": [{\"key\": \"loss\", \"steps\": [" + string.Join(",", Enumerable.Range(from, n))
            + "], \"values\": [" + string.Join(",", Enumerable.Range(from, n).Select(i => (2.0 / (1 + i)).ToString("R", System.Globalization.CultureInfo.InvariantCulture))) + "]}]}";
        await server.CallAsync(HttpMethod.Post, "/api/runs/live/points", Batch(0, 50));
        var csv = new System.Text.StringBuilder("label,prediction\n");
        for (var i = 0; i < 90; i++)
        {
            csv.Append((i % 3) switch { 0 => "cat", 1 => "dog", _ => "bird" }).Append(',').Append(i % 9 == 0 ? "dog" : (i % 3) switch { 0 => "cat", 1 => "dog", _ => "bird" }).Append('\n');
        }

        var (status, _) = await server.CallAsync(HttpMethod.Put, "/api/runs/live/predictions?format=csv", csv.ToString(), "text/csv");
        Assert.Equal(200, status);

        await using var browser = await Browser.LaunchAsync();
        var page = await browser.Chromium.NewPageAsync();
        await page.GotoAsync(server.Address.AbsoluteUri + "runs/live");
        await page.WaitForSelectorAsync("html[data-charts-ready]");
        Assert.Equal(50, await page.EvaluateAsync<int>("() => runlens.charts[0].plot.data[0].length"));
        Assert.Equal(3, await page.Locator(".per-class tbody tr").CountAsync());
        Assert.Equal(9, await page.Locator(".confusion tbody td").CountAsync());
        Assert.Equal("20", await page.InnerTextAsync(".confusion tbody tr:nth-child(2) td:nth-child(3)")); // true cat, predicted cat: 30 cats, the 10 at multiples of 9 predicted dog

        // points arrive while the page is open: it redraws with them (it asks every 5 s)
        await server.CallAsync(HttpMethod.Post, "/api/runs/live/points", Batch(50, 25));
        await page.WaitForFunctionAsync("() => window.runlens && runlens.charts.length && runlens.charts[0].plot.data[0].length === 75", null, new() { Timeout = 20_000 });
    }

    [BrowserFact]
    public async Task A_zoomed_chart_asks_the_server_for_the_detail_inside_its_range()
    {
        await using var server = await TestServer.StartAsync();
        await server.CallAsync(HttpMethod.Post, "/api/runs", """{"id": "long"}""");
        for (var b = 0; b < 10; b++)
        {
            var steps = Enumerable.Range(b * 10_000, 10_000).ToList();
            var values = steps.Select(i => i == 50_050 ? "9.5" : (2.0 / (1 + (i / 1000.0))).ToString("R", System.Globalization.CultureInfo.InvariantCulture));
            await server.CallAsync(HttpMethod.Post, "/api/runs/long/points", "{\"series\": [{\"key\": \"loss\", \"steps\": [" + string.Join(",", steps) + "], \"values\": [" + string.Join(",", values) + "]}]}");
        }

        // the range read itself
        var (status, body) = await server.CallAsync(HttpMethod.Get, "/api/runs/long/series/train/loss?from=50000&to=50100&max_points=2000");
        Assert.Equal(200, status);
        Assert.Equal(Enumerable.Range(50_000, 101).Select(i => (long)i), body.GetProperty("steps").EnumerateArray().Select(x => x.GetInt64()));
        (status, _) = await server.CallAsync(HttpMethod.Get, "/api/runs/long/series/train/loss?from=abc");
        Assert.Equal(400, status);

        await using var browser = await Browser.LaunchAsync();
        var page = await browser.Chromium.NewPageAsync();
        await page.GotoAsync(server.Address.AbsoluteUri + "runs/long");
        await page.WaitForSelectorAsync("html[data-charts-ready]");
        Assert.InRange(await page.EvaluateAsync<int>("() => runlens.charts[0].plot.data[0].length"), 100, 2_100); // reduced for the page

        await page.GotoAsync(server.Address.AbsoluteUri + "runs/long?zoom=chart-0:50000:50100");
        await page.WaitForFunctionAsync("() => window.runlens && runlens.charts.length && runlens.charts[0].plot.data[0].filter(x => x >= 50000 && x <= 50100).length === 101",
            null, new() { Timeout = 15_000 });
        Assert.Equal(9.5, await page.EvaluateAsync<double>("() => { const p = runlens.charts[0].plot; return p.data[1][p.data[0].indexOf(50050)]; }"));
        await page.ScreenshotAsync(new() { Path = Path.Combine(Browser.Artifacts, "ui-zoom-detail.png") });
    }

    [BrowserFact]
    public async Task A_large_runs_page_shows_its_charts_first_and_its_findings_when_the_diagnosis_is_done()
    {
        // every run counts as large here, so the first visit gets the pending page
        await using var server = await TestServer.StartAsync(configure: (_, o) => o with { InlineDiagnosisPoints = 0 });
        var run = (await ImporterCatalog.ImportAsync(Path.Combine(Fixtures.RepoRoot, "examples/hf-trainer-multi-eval-overfit"))).Runs.Single();
        await server.Store.SaveRunAsync(run);

        var url = server.Address.AbsoluteUri + "runs/" + Uri.EscapeDataString(run.Identity.Id);
        Assert.Contains("DIAGNOSING", await server.Http.GetStringAsync(url), StringComparison.Ordinal);
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.Chromium.NewPageAsync();
        await page.GotoAsync(url);
        // then the page swaps itself for the report with its findings
        await page.WaitForSelectorAsync(".finding[data-rule=\"overfitting\"]", new() { Timeout = 30_000 });
        await page.WaitForSelectorAsync("html[data-charts-ready]");
        Assert.Equal(0, await page.Locator("#pending").CountAsync());
        Assert.True(await page.EvaluateAsync<int>("() => runlens.charts.length") > 5);
    }
}

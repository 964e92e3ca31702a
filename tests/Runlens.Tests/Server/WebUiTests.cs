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
        foreach (var example in Directory.GetDirectories(Path.Combine(Fixtures.RepoRoot, "examples")).Order())
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
        var rows = await page.Locator("#runs tbody tr").AllInnerTextsAsync();
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
        await page.ScreenshotAsync(new() { Path = Path.Combine(Browser.Artifacts, "ui-run.png") });
        Assert.Empty(errors);
    }
}

using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Runlens.Model;
using Runlens.Server;
using Runlens.Storage.Sqlite;

namespace Runlens.Bench;

/// <summary>
/// <c>ui-load [series] [points]</c>: a run of 20 series × 1,000,000 points in a SQLite store, served by a real Kestrel
/// server, opened in Debian's Chromium through Playwright. Prints, for the first visit (charts at once, the diagnosis in
/// the background) and for visits once the findings are there, the time from navigation start until every chart is
/// drawn (the page's own <c>performance.now()</c> when its charts are ready), and how long the diagnosis took.
/// </summary>
internal static class UiLoad
{
    public static async Task<int> RunAsync(int seriesCount, int points)
    {
        if (!File.Exists("/usr/bin/chromium"))
        {
            Console.Error.WriteLine("ui-load needs Debian's Chromium at /usr/bin/chromium (apt-get install chromium)");
            return 2;
        }

        var folder = Directory.CreateTempSubdirectory("runlens-ui-").FullName;
        try
        {
            await using var store = await SqliteRunStore.OpenAsync(Path.Combine(folder, "runlens.db"));
            var clock = Stopwatch.StartNew();
            await store.SaveRunAsync(BigRun(seriesCount, points));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"stored {seriesCount} series x {points:N0} points in {clock.Elapsed.TotalSeconds:F1} s"));

            var app = RunlensServer.Build(new ServerOptions("http://127.0.0.1:0", Path.Combine(folder, "artifacts")), store);
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = "/usr/bin/chromium", Headless = true, Args = ["--no-sandbox", "--disable-gpu"] });
            var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1400, Height = 900 } });
            async Task<(double Ready, int Charts)> VisitAsync()
            {
                await page.GotoAsync(address + "/runs/big");
                await page.WaitForSelectorAsync("html[data-charts-ready]", new() { Timeout = 120_000 });
                return (double.Parse(await page.EvaluateAsync<string>("() => document.documentElement.dataset.readyMs"), CultureInfo.InvariantCulture),
                    await page.EvaluateAsync<int>("() => runlens.charts.length"));
            }

            clock.Restart();
            var (first, charts) = await VisitAsync();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"first visit: {first:F0} ms until {charts} charts were drawn (the diagnosis runs in the background)"));
            using (var http = new HttpClient())
            {
                while (!(await http.GetStringAsync(address + "/runs/big/ready")).Contains("true", StringComparison.Ordinal))
                {
                    await Task.Delay(100);
                }
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"diagnosis of all points ready {clock.Elapsed.TotalSeconds:F1} s after the first visit"));
            var times = new List<double>();
            for (var visit = 0; visit < 7; visit++)
            {
                times.Add((await VisitAsync()).Ready);
            }

            times.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"visits with the findings: median {times[times.Count / 2]:F0} ms, slowest {times[^1]:F0} ms until every chart was drawn ({times.Count} visits)"));
            await app.StopAsync();
            await app.DisposeAsync();
            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary><c>ui-runs [runs]</c>: the runs table over a store of many small runs: how long the first page takes
    /// (each run on it is diagnosed once), a later visit, and the last page.</summary>
    public static async Task<int> RunsAsync(int count)
    {
        var folder = Directory.CreateTempSubdirectory("runlens-ui-").FullName;
        try
        {
            await using var store = await SqliteRunStore.OpenAsync(Path.Combine(folder, "runlens.db"));
            var clock = Stopwatch.StartNew();
            for (var r = 0; r < count; r++)
            {
                var small = BigRun(3, 200) with { Identity = new RunIdentity($"run-{r:D5}", $"sweep-{r:D5}", "sweep", new RunSource("bench", "generated")) };
                await store.SaveRunAsync(small);
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"stored {count:N0} runs of 3 series x 200 points in {clock.Elapsed.TotalSeconds:F1} s"));
            var app = RunlensServer.Build(new ServerOptions("http://127.0.0.1:0", Path.Combine(folder, "artifacts")), store);
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = "/usr/bin/chromium", Headless = true, Args = ["--no-sandbox", "--disable-gpu"] });
            var page = await browser.NewPageAsync();
            foreach (var (label, url) in new[] { ("first page, first visit", "/"), ("first page, later visit", "/"), ("last page, first visit", $"/?offset={(count - 1) / 50 * 50}"), ("last page, later visit", $"/?offset={(count - 1) / 50 * 50}") })
            {
                await page.GotoAsync(address + url);
                await page.WaitForSelectorAsync("html[data-loaded]", new() { Timeout = 120_000 });
                var ready = await page.EvaluateAsync<string>("() => document.documentElement.dataset.readyMs");
                Console.WriteLine($"runs table, {label}: {ready} ms until the table was filled");
            }

            await app.StopAsync();
            await app.DisposeAsync();
            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static Run BigRun(int seriesCount, int points)
    {
        string[] names = ["loss", "grad_norm", "learning_rate"];
        var series = ImmutableSortedDictionary.CreateBuilder<string, Series>(StringComparer.Ordinal);
        var random = new Random(7);
        for (var k = 0; k < seriesCount; k++)
        {
            var key = k < names.Length ? "train/" + names[k] : k == names.Length ? "val/loss" : $"train/layer_{k}_grad_norm";
            var array = new SeriesPoint[points];
            for (var i = 0; i < points; i++)
            {
                array[i] = new SeriesPoint(i + 1, (2.0 / (1 + (i / 100_000.0))) + (0.05 * random.NextDouble()) + (i == points / 3 ? 5 : 0), double.NaN, 1_795_344_886 + (i * 0.1));
            }

            series[key] = new Series(key, key, System.Runtime.InteropServices.ImmutableCollectionsMarshal.AsImmutableArray(array));
        }

        return new Run { Identity = new RunIdentity("big", "big", "ui-load", new RunSource("bench", "generated")), Series = series.ToImmutable(), Status = RunStatus.Finished };
    }
}

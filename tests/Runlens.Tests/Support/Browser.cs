using Microsoft.Playwright;

namespace Runlens.Tests.Support;

/// <summary>Debian's Chromium, headless, through Playwright; screenshots go to <see cref="Artifacts"/> to be looked at.</summary>
internal sealed class Browser : IAsyncDisposable
{
    private readonly IPlaywright _playwright;

    private Browser(IPlaywright playwright, IBrowser chromium)
    {
        _playwright = playwright;
        Chromium = chromium;
    }

    public IBrowser Chromium { get; }

    /// <summary>Where screenshots are kept: <c>tests/Runlens.Tests/bin/…/artifacts/</c> (or <c>$RUNLENS_TEST_ARTIFACTS</c>).</summary>
    public static string Artifacts => Directory.CreateDirectory(Environment.GetEnvironmentVariable("RUNLENS_TEST_ARTIFACTS") is { Length: > 0 } dir
        ? dir : Path.Combine(AppContext.BaseDirectory, "artifacts")).FullName;

    public static async Task<Browser> LaunchAsync()
    {
        var playwright = await Playwright.CreateAsync();
        var chromium = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = BrowserFactAttribute.Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync", "--allow-file-access-from-files"],
        });
        return new Browser(playwright, chromium);
    }

    public async ValueTask DisposeAsync()
    {
        await Chromium.DisposeAsync();
        _playwright.Dispose();
    }
}

namespace Runlens.Tests.Support;

/// <summary>A test in a real headless Chromium (Debian's, driven by Playwright; no browser is ever downloaded);
/// skipped, with the reason, when it is not installed (./test.sh installs it with apt when it can).</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class BrowserFactAttribute : FactAttribute
{
    public const string Chromium = "/usr/bin/chromium";

    public BrowserFactAttribute()
    {
        if (!File.Exists(Chromium))
        {
            Skip = $"no browser: {Chromium} is missing (apt-get install chromium; ./test.sh does it when run as root)";
        }
    }
}

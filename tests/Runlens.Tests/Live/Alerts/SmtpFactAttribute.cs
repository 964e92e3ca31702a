using System.Diagnostics;

namespace Runlens.Tests.Live.Alerts;

/// <summary>A test that talks to the real SMTP server of <see cref="SmtpTestServer"/> (Debian's python3-aiosmtpd); skipped,
/// with the reason, when <c>/usr/bin/python3 -c "import aiosmtpd"</c> fails (./test.sh installs it when run as root).
/// Checked once per test run.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class SmtpFactAttribute : FactAttribute
{
    public const string Python = "/usr/bin/python3";

    private static readonly Lazy<string?> Missing = new(Check);

    public SmtpFactAttribute()
    {
        if (Missing.Value is { } reason)
        {
            Skip = reason;
        }
    }

    private static string? Check()
    {
        if (!File.Exists(Python))
        {
            return $"no {Python} (apt-get install python3 python3-aiosmtpd)";
        }

        try
        {
            var psi = new ProcessStartInfo(Python) { RedirectStandardError = true, UseShellExecute = false };
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add("import aiosmtpd.smtp");
            using var p = Process.Start(psi)!;
            var stderr = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(60_000))
            {
                p.Kill(entireProcessTree: true);
                return $"{Python} -c \"import aiosmtpd.smtp\" did not finish within 60 s";
            }

            return p.ExitCode == 0 ? null
                : $"{Python} cannot import aiosmtpd (apt-get install python3-aiosmtpd): {stderr.Result.Trim().Split('\n')[^1]}";
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return $"{Python} could not be started: {ex.Message}";
        }
    }
}

using System.Diagnostics;

namespace Runlens.Tests.Support;

/// <summary>A test that runs Debian's <c>/usr/bin/python3</c> with <c>torch</c> (apt-get install python3-torch); skipped,
/// with the reason, when <c>/usr/bin/python3 -c "import torch"</c> fails. Checked once per test run.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class TorchFactAttribute : FactAttribute
{
    public const string Python = "/usr/bin/python3";

    private static readonly Lazy<string?> Missing = new(Check);

    public TorchFactAttribute()
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
            return $"no {Python} (apt-get install python3 python3-torch)";
        }

        try
        {
            var psi = new ProcessStartInfo(Python)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add("import torch");
            using var p = Process.Start(psi)!;
            var stderr = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(120_000))
            {
                p.Kill(entireProcessTree: true);
                return $"{Python} -c \"import torch\" did not finish within 120 s";
            }

            return p.ExitCode == 0 ? null
                : $"{Python} cannot import torch (apt-get install python3-torch): {stderr.Result.Trim().Split('\n')[^1]}";
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return $"{Python} could not be started: {ex.Message}";
        }
    }
}

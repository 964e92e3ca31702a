using System.Diagnostics;
using System.Globalization;

namespace Runlens.Bench.Peers;

/// <summary>One whole process, timed by <c>/usr/bin/time</c>: wall clock, user and system CPU, peak RSS, and what it
/// printed.</summary>
internal sealed record ProcessTiming(double WallSeconds, double CpuSeconds, long PeakRssBytes, int ExitCode, string StdOut, string StdErr)
{
    public static async Task<ProcessTiming> RunAsync(string file, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var timesFile = Path.GetTempFileName();
        try
        {
            var psi = new ProcessStartInfo("/usr/bin/time")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = Path.GetTempPath(),
            };
            foreach (var a in (string[])["-o", timesFile, "-f", "%e %U %S %M", file, .. args])
            {
                psi.ArgumentList.Add(a);
            }

            foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            {
                psi.Environment[name] = value;
            }

            using var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start /usr/bin/time");
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            await p.WaitForExitAsync();
            var fields = (await File.ReadAllLinesAsync(timesFile)).Last(l => l.Length > 0 && char.IsDigit(l[0])).Split(' ');
            double F(int i) => double.Parse(fields[i], CultureInfo.InvariantCulture);
            return new ProcessTiming(F(0), F(1) + F(2), long.Parse(fields[3], CultureInfo.InvariantCulture) * 1024, p.ExitCode, await stdout, await stderr);
        }
        finally
        {
            File.Delete(timesFile);
        }
    }
}

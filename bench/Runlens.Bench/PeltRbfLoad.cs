using System.Diagnostics;
using System.Globalization;
using Runlens.Analysis.Signals.ChangePoints;

namespace Runlens.Bench;

/// <summary>
/// <c>pelt-rbf [points] [segments]</c>: PELT with the RBF cost (ruptures' <c>Pelt(model="rbf")</c>, min size 2, jump 5,
/// penalty ln n) on a noisy piecewise-constant signal, each round in a fresh process that reports the time of the search
/// (median heuristic included), its breakpoints and the process's peak RSS (VmHWM, the .NET runtime included). A kernel
/// table, as ruptures holds, would take n² doubles: 20 GB at 50,000 points. Target: exact, under 5 s at 50,000 points,
/// memory linear in n.
/// </summary>
internal static class PeltRbfLoad
{
    public static async Task<int> RunAsync(int points, int segments)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"PELT rbf, {points:N0} points, {segments} segments, min size 2, jump 5, penalty ln n; a table would take {8.0 * points * points / 1e9:F1} GB"));
        for (var round = 1; round <= 3; round++)
        {
            var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
            psi.ArgumentList.Add(typeof(PeltRbfLoad).Assembly.Location);
            psi.ArgumentList.Add("pelt-rbf-once");
            psi.ArgumentList.Add(points.ToString(CultureInfo.InvariantCulture));
            psi.ArgumentList.Add(segments.ToString(CultureInfo.InvariantCulture));
            using var child = Process.Start(psi)!;
            var line = await child.StandardOutput.ReadToEndAsync();
            await child.WaitForExitAsync();
            Console.Write(string.Create(CultureInfo.InvariantCulture, $"round {round}: {line}"));
        }

        return 0;
    }

    public static int Once(int points, int segments)
    {
        var rng = new Random(42);
        var values = new double[points];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (((long)i * segments / values.Length) % 3) + (0.5 * AnalysisBenchmark.Gaussian(rng));
        }

        var signal = SignalMatrix.FromValues(values);
        var before = Rss();
        using var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var cost = new RbfCost();
        var breakpoints = Pelt.Detect(signal, cost, new PeltOptions(Math.Log(points), 2, 5));
        var seconds = clock.Elapsed.TotalSeconds;
        process.Refresh();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{seconds:F2} s wall, {(process.TotalProcessorTime - cpu).TotalSeconds:F2} s CPU, {breakpoints.Length - 1} change points, gamma {cost.Gamma:G6}; "
            + $"peak RSS {Rss() / 1e6:F0} MB ({before / 1e6:F0} MB before the search); load average {Load()}"));
        return 0;
    }

    private static string Load() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    private static long Rss()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            }
        }

        return -1;
    }
}

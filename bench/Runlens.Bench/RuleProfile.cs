using System.Diagnostics;
using Runlens.Analysis.Diagnoses;
using Runlens.Analysis.Rules;

namespace Runlens.Bench;

/// <summary><c>rules-profile</c>: the time of each rule alone over the 20 × 1,000,000-point run of <see cref="AnalysisBenchmark"/>,
/// then of the whole diagnosis (best of three; each rule's wall and CPU time), to see where the time goes.</summary>
internal static class RuleProfile
{
    public static int Run(string? path = null)
    {
        Runlens.Model.Run run;
        if (path is null)
        {
            var bench = new AnalysisBenchmark();
            bench.Setup();
            run = bench.BenchRun;
        }
        else
        {
            run = Runlens.Import.ImporterCatalog.ImportAsync(path).GetAwaiter().GetResult().Runs[0];
            Console.WriteLine($"// {path}: {run.Series.Count} series, {run.Series.Values.Sum(s => s.Count):N0} points");
        }

        foreach (var rule in RuleCatalog.All)
        {
            var d = new Diagnoser(rules: [rule]);
            var best = double.MaxValue;
            var bestCpu = double.MaxValue;
            for (var i = 0; i < 3; i++)
            {
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                var sw = Stopwatch.StartNew();
                d.Diagnose(run);
                best = Math.Min(best, sw.Elapsed.TotalMilliseconds);
                bestCpu = Math.Min(bestCpu, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds);
            }

            // CPU time (user + system, every thread of the process) beside the wall time: on a loaded machine it is the figure to compare
            Console.WriteLine($"{rule.Descriptor.Id} {rule.Descriptor.Slug,-22} {best,8:F0} ms {bestCpu,8:F0} ms CPU");
        }

        var all = double.MaxValue;
        for (var i = 0; i < 3; i++)
        {
            var sw = Stopwatch.StartNew();
            new Diagnoser().Diagnose(run);
            all = Math.Min(all, sw.Elapsed.TotalMilliseconds);
        }

        Console.WriteLine($"all rules              {all,8:F0} ms");
        return 0;
    }
}

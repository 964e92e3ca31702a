using BenchmarkDotNet.Running;

namespace Runlens.Bench;

internal static class Program
{
    /// <summary>
    /// <c>scale [entries]</c>: the end-to-end scale check (import + analysis of a generated trainer_state.json, time and
    /// peak memory). <c>serve-load [seconds] [clients]</c>: the server's ingest, log-batch and downsampled-read figures.
    /// <c>ui-load [series] [points]</c>: how long a run page takes to draw in Chromium; <c>ui-runs [runs]</c>: the runs table over many runs. <c>watch [seconds] [points/s] [prefill] [whole] [csv]</c>: runlens watch keeping up with a growing log (whole: read whole on each change, as before; csv: a Lightning metrics.csv instead of JSON Lines). <c>watch-detect [prefill] [repeats]</c>: time from a NaN loss written to the finding printed. <c>impact [runs] [train points] [trees]</c>: hyperparameter impact over a generated sweep (default 1,000 runs). <c>mcp [runs]</c>: per-tool latency of runlens mcp over a store of that many runs (default 1,000). <c>compare [runs] [steps]</c>: diagnosis and comparison of several runs in memory. <c>pelt-rbf [points] [segments]</c>: PELT with the RBF cost, time and peak memory in a fresh process (default 50,000 points, 100 segments). <c>search [runs] [--pg CONNECTION]</c>: the first page of filtered, ordered run searches over a stored sweep (default 100,000 runs) on SQLite and PostgreSQL. <c>soak [minutes] [points/s] [interval-s] [run-points]</c>: the server over time (memory, handles, GC, latency). <c>unread [requests] [points] [seconds]</c>: clients that ask for a long series whole and never read (memory, other reads meanwhile). <c>import-repeat FILE [times]</c>: one file imported again and again in one process (wall and CPU each). <c>predictions-once FILE</c>: read time and CPU of one predictions file, then every metric. <c>multi [seconds] [writers] [servers] [kill-every-s] [--pg CONNECTION]</c>: several servers on one PostgreSQL, one killed again and again. <c>peers [reps] [--runlens PATH] [--only start,tb,json,csv,l2,rbf]</c>: whole runlens processes next to the Python programs a user would otherwise run (see Peers/PeersBench). <c>phases analyze|evaluate FILE</c>: where such a whole process spends its time, phase by phase (Peers/PhaseProfile). Anything else goes to BenchmarkDotNet (e.g. <c>--filter '*' --job short --inProcess</c>).
    /// </summary>
    public static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "scale")
        {
            var entries = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000;
            return await ScaleScenario.RunAsync(entries);
        }

        if (args.Length > 0 && args[0] == "peers")
        {
            return await Peers.PeersBench.RunAsync(args);
        }

        if (args.Length > 2 && args[0] == "phases")
        {
            return await Peers.PhaseProfile.RunAsync(args[1], args[2]);
        }

        if (args.Length > 0 && args[0] == "rules-profile")
        {
            return RuleProfile.Run(args.Length > 1 ? args[1] : null);
        }

        if (args.Length > 0 && args[0] == "serve-load")
        {
            var seconds = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10;
            var clients = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 4;
            return await ServerLoad.RunAsync(seconds, clients);
        }

        if (args.Length > 0 && args[0] == "ui-load")
        {
            var series = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 20;
            var points = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000;
            return await UiLoad.RunAsync(series, points);
        }

        if (args.Length > 0 && args[0] == "ui-runs")
        {
            return await UiLoad.RunsAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10_000);
        }

        if (args.Length > 0 && args[0] == "watch")
        {
            int Arg(int i, int fallback) => args.Length > i ? int.Parse(args[i], System.Globalization.CultureInfo.InvariantCulture) : fallback;
            return await WatchLoad.RunAsync(Arg(1, 60), Arg(2, 1000), Arg(3, 0), args.Skip(4).Contains("whole"), args.Skip(4).Contains("csv"));
        }

        if (args.Length > 0 && args[0] == "watch-detect")
        {
            int Arg(int i, int fallback) => args.Length > i ? int.Parse(args[i], System.Globalization.CultureInfo.InvariantCulture) : fallback;
            return await WatchLoad.DetectAsync(Arg(1, 1_000_000), Arg(2, 5));
        }

        if (args.Length > 0 && args[0] == "impact")
        {
            int Arg(int i, int fallback) => args.Length > i ? int.Parse(args[i], System.Globalization.CultureInfo.InvariantCulture) : fallback;
            return await ImpactLoad.RunAsync(Arg(1, 1000), Arg(2, 200), Arg(3, new Analysis.Sweeps.ImpactOptions().Trees));
        }

        if (args.Length > 0 && args[0] is "pelt-rbf" or "pelt-rbf-once")
        {
            int Arg(int i, int fallback) => args.Length > i ? int.Parse(args[i], System.Globalization.CultureInfo.InvariantCulture) : fallback;
            return args[0] == "pelt-rbf" ? await PeltRbfLoad.RunAsync(Arg(1, 50_000), Arg(2, 100)) : PeltRbfLoad.Once(Arg(1, 50_000), Arg(2, 100));
        }

        if (args.Length > 0 && args[0] == "mcp")
        {
            return await McpLoad.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1_000);
        }

        if (args.Length > 0 && args[0] == "search")
        {
            var pg = Array.IndexOf(args, "--pg") is var at and > 0 && at + 1 < args.Length ? args[at + 1] : null;
            return await SearchLoad.RunAsync(args.Length > 1 && args[1] != "--pg" ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 100_000, pg);
        }

        if (args.Length > 0 && args[0] == "compare")
        {
            int Arg(int i, int fallback) => args.Length > i ? int.Parse(args[i], System.Globalization.CultureInfo.InvariantCulture) : fallback;
            return CompareLoad.Run(Arg(1, 10), Arg(2, 1_000_000));
        }

        if (args.Length > 0 && args[0] == "soak")
        {
            double Arg(int i, double fallback) => args.Length > i ? double.Parse(args[i], System.Globalization.CultureInfo.InvariantCulture) : fallback;
            return await Soak.SoakLoad.RunAsync(Arg(1, 10), (int)Arg(2, 1000), (int)Arg(3, 60), (int)Arg(4, 60_000));
        }

        if (args.Length > 0 && args[0] == "unread")
        {
            int Arg(int i, int fallback) => args.Length > i ? int.Parse(args[i], System.Globalization.CultureInfo.InvariantCulture) : fallback;
            return await Soak.UnreadLoad.RunAsync(Arg(1, 50), Arg(2, 1_000_000), Arg(3, 30));
        }

        if (args.Length > 0 && args[0] == "multi")
        {
            var pg = Array.IndexOf(args, "--pg") is var at and > 0 && at + 1 < args.Length ? args[at + 1] : null;
            var numbers = args.Skip(1).TakeWhile(a => a != "--pg").Select(a => int.Parse(a, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            int Arg(int i, int fallback) => numbers.Length > i ? numbers[i] : fallback;
            return await Soak.MultiServerLoad.RunAsync(Arg(0, 60), Arg(1, 64), Arg(2, 3), Arg(3, 10), pg);
        }

        if (args.Length > 0 && args[0] == "agent")
        {
            return await Agent.AgentLoad.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 8);
        }

        if (args.Length > 0 && args[0] == "diagnosis")
        {
            return await DiagnosisScoring.DiagnosisBench.RunAsync(args[1..]);
        }

        if (args.Length > 0 && args[0] == "audit")
        {
            return await Audit.AuditLoad.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 4000);
        }

        if (args.Length > 1 && args[0] == "import-repeat")
        {
            return await ScaleScenario.RepeatAsync(args[1], args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 5);
        }

        if (args.Length > 1 && args[0] == "predictions-once")
        {
            return await PredictionsOnce.RunAsync(args[1]);
        }

        if (args.Length > 1 && args[0] == "scale-once")
        {
            return await ScaleScenario.OnceAsync(args[1]);
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}

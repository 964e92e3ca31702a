using System.Globalization;

namespace Runlens.Bench.Peers;

/// <summary>
/// <c>peers [reps] [--runlens PATH] [--only start,tb,json,csv,l2,rbf]</c>: every whole-process comparison of the speed
/// issue in one sitting. Each piece of work runs as a whole <c>runlens</c> process and as the whole program a user would
/// otherwise run (Python from Debian: a TFRecord/protobuf reader written for the bench, json.load, pandas + scikit-learn,
/// ruptures' PELT written out over numpy), alternately, <c>reps</c> times (default 3); the table gives the median wall
/// time with its range, the median CPU time (user + system) and the peak RSS, the ratios, and the load average before and
/// after, then where each whole process's time goes (<see cref="PhaseProfile"/>). Inputs are generated once under the temp folder (runlens-peers/). The Runlens side is the published build
/// users run (<c>artifacts/linux-x64/runlens</c> from scripts/publish-linux-x64.sh) unless <c>--runlens</c> names another.
/// </summary>
internal static class PeersBench
{
    private const string Python = "/usr/bin/python3";

    public static async Task<int> RunAsync(string[] args)
    {
        var reps = args.Length > 1 && int.TryParse(args[1], CultureInfo.InvariantCulture, out var r) ? r : 3;
        var root = RepoRoot();
        var runlens = Option(args, "--runlens") ?? Path.Combine(root, "artifacts", "linux-x64", "runlens");
        if (!File.Exists(runlens))
        {
            await Console.Error.WriteLineAsync($"peers: {runlens} does not exist; make it with scripts/publish-linux-x64.sh, or name a runlens build with --runlens PATH");
            return 2;
        }

        if (!File.Exists("/usr/bin/time") || !File.Exists(Python))
        {
            await Console.Error.WriteLineAsync("peers: needs /usr/bin/time (Debian: time) and /usr/bin/python3 with numpy, scipy, pandas and scikit-learn");
            return 2;
        }

        var only = Option(args, "--only")?.Split(',') ?? ["start", "tb", "json", "csv", "l2", "rbf"];
        var scripts = Path.Combine(AppContext.BaseDirectory, "Peers");
        Console.WriteLine($"runlens: {runlens}; {reps} repetitions each, alternating with the peer; load average before: {Load()}");
        Console.WriteLine("generating the inputs once under " + PeerInputs.Folder);
        Directory.CreateDirectory(PeerInputs.Folder);
        var rows = new List<PeerRow>();
        var breakdowns = new List<string>();

        if (only.Contains("start"))
        {
            var tiny = Path.Combine(PeerInputs.Folder, "tiny.csv");
            await File.WriteAllTextAsync(tiny, "step,loss\n1,2.0\n2,1.5\n3,1.2\n4,1.0\n5,0.9\n");
            rows.Add(await CompareAsync("`runlens --version`", "—", reps, runlens, ["--version"], null, "", _ => ""));
            rows.Add(await CompareAsync("`runlens analyze` of a 5-line metrics.csv, JSON report", "—", reps, runlens, ["analyze", tiny, "--format", "json"], null, "< 150 ms", _ => ""));
        }

        if (only.Contains("tb"))
        {
            var file = PeerInputs.TensorBoard();
            rows.Add(await CompareAsync(
                $"TensorBoard event file, {Mb(file)}, {PeerInputs.Scalars:N0} scalars → diagnosis", "a Python reader of the TFRecord framing + Event protobuf written for the bench, CRCs not checked",
                reps, runlens, ["analyze", file, "--format", "json"], [Path.Combine(scripts, "tfevents_scalars.py"), file], "", Last));
            rows.Add(await CompareAsync(
                "same, the peer checking both CRC-32Cs of every record in Python, as TensorBoard's reader does without TensorFlow", "the same reader with --crc",
                reps, runlens, ["analyze", file, "--format", "json"], [Path.Combine(scripts, "tfevents_scalars.py"), file, "--crc"], "≥ 50× (TensorBoard's `EventAccumulator`)", Last));
            breakdowns.Add(await PhasesAsync("analyze", file));
        }

        if (only.Contains("json"))
        {
            var file = PeerInputs.TrainerState();
            rows.Add(await CompareAsync(
                $"`trainer_state.json`, {Mb(file)}, {PeerInputs.LogEntries:N0} log entries → diagnosis", "Python `json.load` of the file alone",
                reps, runlens, ["analyze", file, "--format", "json"], [Path.Combine(scripts, "json_load.py"), file], "≥ 2×, and < 1.5 s", Last));
            breakdowns.Add(await PhasesAsync("analyze", file));
        }

        if (only.Contains("csv"))
        {
            var file = PeerInputs.Predictions();
            rows.Add(await CompareAsync(
                $"predictions CSV, {Mb(file)}, {PeerInputs.Examples:N0} rows × {PeerInputs.Classes} class probabilities → every metric", "pandas `read_csv` + scikit-learn's metrics",
                reps, runlens, ["evaluate", file, "--format", "json"],
                [Path.Combine(scripts, "sklearn_metrics.py"), file, Path.Combine(root, "tests", "fixtures", "oracles", "sklearn")], "≥ 10×", Last));
            breakdowns.Add(await PhasesAsync("evaluate", file));
        }

        var signal = only.Contains("l2") || only.Contains("rbf") ? PeerInputs.Signal() : "";
        var n = PeerInputs.PeltPoints;
        if (only.Contains("l2"))
        {
            // the CLI's own default for l2: 3·ln(n)·σ², here with the generator's noise σ = 0.5
            var penalty = (3 * Math.Log(n) * 0.25).ToString("R", CultureInfo.InvariantCulture);
            rows.Add(await CompareAsync(
                $"PELT, L2, {n:N0} points (min size 2, jump 5, penalty {double.Parse(penalty, CultureInfo.InvariantCulture):F2})", "ruptures 1.1.10's Pelt + CostL2 written out over numpy (ruptures is not installable here)",
                reps, runlens, ["changepoints", signal, "--cost", "l2", "--penalty", penalty, "--min-size", "2", "--jump", "5", "--format", "json"],
                [Path.Combine(scripts, "pelt_numpy.py"), signal, "l2", penalty, "2", "5"], "≥ 100×", Last));
        }

        if (only.Contains("rbf"))
        {
            var penalty = Math.Log(n).ToString("R", CultureInfo.InvariantCulture);
            rows.Add(await CompareAsync(
                $"PELT, RBF cost, {n:N0} points (min size 2, jump 5, penalty ln n)", "ruptures 1.1.10's Pelt + CostRbf written out over numpy",
                reps, runlens, ["changepoints", signal, "--cost", "rbf", "--penalty", penalty, "--min-size", "2", "--jump", "5", "--format", "json"],
                [Path.Combine(scripts, "pelt_numpy.py"), signal, "rbf", penalty, "2", "5"], "exact, < 5 s, memory linear in n", Last, peerReps: 1));
        }

        Console.WriteLine();
        Console.WriteLine("| work | Runlens (whole process): median wall (range), median CPU, max RSS | peer | peer ÷ Runlens | target |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var row in rows)
        {
            Console.WriteLine(row.Render());
        }

        Console.WriteLine();
        foreach (var row in rows.Where(r => r.Check.Length > 0))
        {
            Console.WriteLine($"{row.Work}: {row.Check}");
        }

        foreach (var breakdown in breakdowns)
        {
            Console.WriteLine();
            Console.WriteLine(breakdown);
        }

        Console.WriteLine($"load average after: {Load()}");
        return rows.Any(r => r.Runlens.Any(t => t.ExitCode != 0)) ? 1 : 0;
    }

    private static async Task<PeerRow> CompareAsync(
        string work, string peerName, int reps, string runlens, string[] runlensArgs, string[]? peerArgs, string target,
        Func<string, string> summarize, int? peerReps = null)
    {
        var mine = new List<ProcessTiming>();
        var theirs = new List<ProcessTiming>();
        var environment = new Dictionary<string, string> { ["NO_COLOR"] = "1" };
        for (var i = 0; i < reps; i++)
        {
            var run = await ProcessTiming.RunAsync(runlens, runlensArgs, environment);
            if (run.ExitCode is not (0 or 1))
            {
                Console.WriteLine($"  runlens {string.Join(' ', runlensArgs)}: exit {run.ExitCode}: {run.StdErr.Trim()}");
            }

            mine.Add(run);
            if (peerArgs is not null && i < (peerReps ?? reps))
            {
                var peer = await ProcessTiming.RunAsync(Python, peerArgs);
                theirs.Add(peer);
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {work}: runlens {run.WallSeconds:F2} s wall, {run.CpuSeconds:F2} s CPU{(theirs.Count > i ? $"; peer {theirs[i].WallSeconds:F2} s wall, {theirs[i].CpuSeconds:F2} s CPU, exit {theirs[i].ExitCode}" : "")}"));
        }

        var check = theirs.Count == 0 ? "" : $"peer printed \"{summarize(theirs[^1].StdOut + theirs[^1].StdErr)}\"; runlens printed {mine[^1].StdOut.Length:N0} characters, exit {mine[^1].ExitCode}";
        if (peerArgs is not null && (peerArgs.Contains("l2") || peerArgs.Contains("rbf")))
        {
            check += "; " + SameBreakpoints(mine[^1].StdOut, theirs[^1].StdOut);
        }

        return new PeerRow(work, peerName, mine, theirs, target, check);
    }

    /// <summary>Where a whole process's time goes: <c>phases</c> (<see cref="PhaseProfile"/>) run once in a fresh bench
    /// process over the same file (the bench is not ReadyToRun, so its JIT share is larger than the published build's).</summary>
    private static async Task<string> PhasesAsync(string verb, string file)
    {
        var host = Environment.ProcessPath ?? "dotnet";
        string[] args = Path.GetFileNameWithoutExtension(host) == "dotnet" ? [typeof(PeersBench).Assembly.Location, "phases", verb, file] : ["phases", verb, file];
        var run = await ProcessTiming.RunAsync(host, args);
        return $"where `runlens {verb} {Path.GetFileName(file)}` spends its time, phase by phase (bench process, load average {Load()}):\n{run.StdOut.TrimEnd()}{(run.ExitCode == 0 ? "" : $"\n  exit {run.ExitCode}: {run.StdErr.Trim()}")}";
    }

    /// <summary>Whether the Runlens JSON report's breakpoints are the peer's.</summary>
    private static string SameBreakpoints(string runlensJson, string peerOut)
    {
        const string prefix = "breakpoints ";
        var line = peerOut.Split('\n').FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
        if (line is null)
        {
            return "the peer gave no breakpoints";
        }

        using var doc = System.Text.Json.JsonDocument.Parse(runlensJson);
        var mine = doc.RootElement.GetProperty("breakpoints").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var theirs = System.Text.Json.JsonSerializer.Deserialize<int[]>(line[prefix.Length..])!;
        return mine.SequenceEqual(theirs) ? $"same {mine.Length} breakpoints" : $"DIFFERENT breakpoints: runlens {mine.Length}, peer {theirs.Length}";
    }

    private static string Last(string output) => output.Trim().Split('\n')[^1] is var last && last.Length > 120 ? last[..120] + " …" : output.Trim().Split('\n')[^1];

    private static string Mb(string path) => string.Create(CultureInfo.InvariantCulture, $"{new FileInfo(path).Length / 1e6:F0} MB");

    private static string? Option(string[] args, string name) =>
        Array.IndexOf(args, name) is var at and >= 0 && at + 1 < args.Length ? args[at + 1] : null;

    private static string Load() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Runlens.slnx")))
            {
                return dir.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }
}

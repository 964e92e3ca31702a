using System.Diagnostics;
using System.Globalization;
using System.Text;
using Runlens.Live.Watch;
using Runlens.Pipeline.Sources;

namespace Runlens.Bench;

/// <summary>
/// <c>watch [SECONDS] [POINTS_PER_SECOND] [PREFILL_POINTS] [whole] [csv]</c>: a writer appends a JSONL training log (with
/// <c>csv</c>: a Lightning CSVLogger metrics.csv, validation on rows of their own) at a fixed rate (rows of train loss,
/// learning rate and grad norm, validation loss every 100 rows) while a <see cref="RunWatcher"/>
/// watches the file. The log is read incrementally (<see cref="TailRunSource"/>); <c>whole</c> reads it whole on each
/// change as before (<see cref="PathRunSource"/>), for comparison. Prints how far the watcher was behind the writer when
/// a look ended (the points written but not yet read and checked, in seconds of writing), how far the latest full
/// diagnosis was behind when it ended, what each cost, and the process's CPU time (user + sys) per second of wall time,
/// from the end of the first diagnosis (steady state) and overall. <c>PREFILL_POINTS</c> starts from a log that already
/// holds that many points, to show a long run.
/// <para><c>watch-detect [PREFILL_POINTS] [REPEATS]</c>: time to detect a NaN loss appended to a log already holding
/// that many points (default 1,000,000): in process for both readings (incremental and whole), then as a whole
/// <c>runlens watch --format json</c> process, from the write until the finding's line is printed.</para>
/// </summary>
internal static class WatchLoad
{
    private const int PerRow = 3; // loss, learning_rate, grad_norm (+ eval_loss every 100 rows)

    public static async Task<int> RunAsync(int seconds, int rate, int prefill, bool whole = false, bool csv = false)
    {
        var folder = Directory.CreateTempSubdirectory("runlens-watch-").FullName;
        try
        {
            var log = Path.Combine(folder, csv ? "metrics.csv" : "metrics.jsonl");
            Func<long, string> line = csv ? CsvRow : i => Row(i) + "\n";
            var row = await PrefillAsync(log, prefill, csv);
            var written = row; // rows written, read by the watcher thread
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
            var writer = Task.Run(async () =>
            {
                await using var f = new StreamWriter(log, append: true) { AutoFlush = false };
                var clock = Stopwatch.StartNew();
                var rowsPerSecond = rate / (double)PerRow;
                var start = Interlocked.Read(ref written);
                while (!stop.IsCancellationRequested)
                {
                    var due = start + (long)(clock.Elapsed.TotalSeconds * rowsPerSecond);
                    var r = Interlocked.Read(ref written);
                    var b = new StringBuilder();
                    while (r < due)
                    {
                        b.Append(line(++r));
                    }

                    await f.WriteAsync(b);
                    await f.FlushAsync();
                    Interlocked.Exchange(ref written, r);
                    await Task.Delay(10);
                }
            });

            var lags = new List<double>();
            var startLags = new List<double>();
            var lookCosts = new List<double>();
            var fullLags = new List<double>();
            var fullCosts = new List<double>();
            long fullPoints = 0;
            var cpu0 = Cpu();
            var wall = Stopwatch.StartNew();
            (TimeSpan Cpu, TimeSpan Wall)? steady = null;
            IRunSource source = whole ? new PathRunSource(log) : WatchSources.ForPath(log);
            var options = whole ? WatchOptions.Default : new WatchOptions(TimeSpan.FromSeconds(0.1));
            var watcher = new RunWatcher(source, options: options).OnCycle((c, _) =>
            {
                var now = Interlocked.Read(ref written);
                if (c.Changed && c.Diagnosis?.Run.LastStep is { } diagnosed)
                {
                    steady ??= (Cpu(), wall.Elapsed);
                    fullLags.Add((now - diagnosed) * PerRow / (double)rate);
                    fullCosts.Add(c.Cost.TotalMilliseconds);
                    fullPoints = c.DiagnosedPoints;
                }

                if (c.LastStep is { } seen)
                {
                    (steady is null || c.Changed && fullCosts.Count == 1 ? startLags : lags).Add((now - seen) * PerRow / (double)rate);
                    if (!c.Changed)
                    {
                        lookCosts.Add(c.Cost.TotalMilliseconds);
                    }
                }

                return Task.CompletedTask;
            });
            await watcher.RunAsync(null, stop.Token);
            await writer;
            var cpuAll = (Cpu() - cpu0).TotalSeconds / wall.Elapsed.TotalSeconds * 100;
            var cpuSteady = steady is { } s ? (Cpu() - s.Cpu).TotalSeconds / (wall.Elapsed - s.Wall).TotalSeconds * 100 : double.NaN;
            (source as IDisposable)?.Dispose();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"watch ({(csv ? "Lightning metrics.csv" : "JSON Lines")}, {(whole ? "read whole on each change" : "read incrementally")}): {seconds} s at {rate:N0} points/s from {prefill:N0} points, {Environment.ProcessorCount} cores, load average {LoadAverage()}; {Interlocked.Read(ref written) * PerRow:N0} points at the end"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  lag behind the writer when a look ends, after the first diagnosis: p50 {Pct(lags, 50):F3} s, p95 {Pct(lags, 95):F3} s, max {lags.DefaultIfEmpty().Max():F3} s ({lags.Count} looks; until then {startLags.Count} looks, max {startLags.DefaultIfEmpty().Max():F2} s); a look without a full diagnosis: p50 {Pct(lookCosts, 50):F1} ms, p95 {Pct(lookCosts, 95):F1} ms"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  full diagnoses: {fullCosts.Count}, each (read + diagnose) p50 {Pct(fullCosts, 50):F0} ms, max {fullCosts.DefaultIfEmpty().Max():F0} ms (last: {fullPoints:N0} points); behind the writer when one ends: p50 {Pct(fullLags, 50):F2} s, p95 {Pct(fullLags, 95):F2} s, max {fullLags.DefaultIfEmpty().Max():F2} s"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  CPU (user + sys per wall second, writer included): {cpuSteady:F0}% of one core after the first diagnosis, {cpuAll:F0}% overall"));
            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    public static async Task<int> DetectAsync(int prefill, int repeats)
    {
        var folder = Directory.CreateTempSubdirectory("runlens-detect-").FullName;
        try
        {
            var template = Path.Combine(folder, "template.jsonl");
            var rows = await PrefillAsync(template, prefill);
            var nan = string.Create(CultureInfo.InvariantCulture, $"{{\"step\": {rows + 1}, \"loss\": NaN, \"learning_rate\": 5e-05, \"grad_norm\": 1.0}}\n");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"watch-detect: a NaN loss appended to a JSONL log of {prefill:N0} points ({new FileInfo(template).Length / 1e6:F0} MB), {Environment.ProcessorCount} cores, load average {LoadAverage()}"));
            foreach (var whole in new[] { false, true })
            {
                var times = new List<double>();
                for (var i = 0; i < repeats; i++)
                {
                    var log = Path.Combine(folder, "metrics.jsonl");
                    File.Copy(template, log, overwrite: true);
                    IRunSource source = whole ? new PathRunSource(log) : WatchSources.ForPath(log);
                    var ready = new TaskCompletionSource();
                    var found = new TaskCompletionSource<TimeSpan>();
                    var clock = new Stopwatch();
                    var watcher = new RunWatcher(source).OnCycle((c, _) =>
                    {
                        if (c.Diagnosis is not null)
                        {
                            ready.TrySetResult();
                        }

                        if (c.NewFindings.Any(f => f.RuleId == "RL0107"))
                        {
                            found.TrySetResult(clock.Elapsed);
                        }

                        return Task.CompletedTask;
                    });
                    using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(2));
                    var running = watcher.RunAsync(null, stop.Token);
                    await ready.Task.WaitAsync(stop.Token);
                    await Task.Delay(1500); // a steady watcher, between looks
                    clock.Start();
                    await File.AppendAllTextAsync(log, nan);
                    times.Add((await found.Task.WaitAsync(stop.Token)).TotalSeconds);
                    await stop.CancelAsync();
                    await running;
                    (source as IDisposable)?.Dispose();
                }

                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  in process, {(whole ? "read whole on each change" : "read incrementally")}: {Spread(times)}"));
            }

            var cli = new List<double>();
            var cpu = new List<double>();
            for (var i = 0; i < repeats; i++)
            {
                var log = Path.Combine(folder, "metrics.jsonl");
                File.Copy(template, log, overwrite: true);
                using var process = Process.Start(new ProcessStartInfo("dotnet")
                {
                    ArgumentList = { Path.Combine(AppContext.BaseDirectory, "runlens.dll"), "watch", log, "--format", "json" },
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                })!;
                var stderr = process.StandardError.ReadToEndAsync();
                var clock = new Stopwatch();
                var firstLine = new TaskCompletionSource();
                var found = new TaskCompletionSource<TimeSpan>();
                var reading = Task.Run(async () =>
                {
                    while (await process.StandardOutput.ReadLineAsync() is { } line)
                    {
                        firstLine.TrySetResult();
                        if (line.Contains("\"RL0107\"", StringComparison.Ordinal))
                        {
                            found.TrySetResult(clock.Elapsed);
                        }
                    }
                });

                // ready: the first findings printed (the first full diagnosis ran), or 15 s
                await Task.WhenAny(firstLine.Task, Task.Delay(TimeSpan.FromSeconds(15)));
                await Task.Delay(1500);
                clock.Start();
                await File.AppendAllTextAsync(log, nan);
                var done = await Task.WhenAny(found.Task, Task.Delay(TimeSpan.FromSeconds(30)));
                if (done == found.Task)
                {
                    cli.Add(found.Task.Result.TotalSeconds);
                }

                process.Refresh();
                cpu.Add(process.TotalProcessorTime.TotalSeconds);
                process.Kill();
                await process.WaitForExitAsync();
                await reading;
                if (done != found.Task)
                {
                    Console.WriteLine("  runlens watch did not print the finding within 30 s: " + await stderr);
                    return 1;
                }
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  runlens watch --format json (a whole process), write → finding printed: {Spread(cli)}; the process's CPU time until then {Spread(cpu)}"));
            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<long> PrefillAsync(string log, int prefill, bool csv = false)
    {
        long row = 0;
        await using var f = new StreamWriter(log);
        if (csv)
        {
            await f.WriteAsync(CsvHeader);
        }

        while (row * PerRow < prefill)
        {
            var line = csv ? CsvRow(++row) : Row(++row) + "\n";
            await f.WriteAsync(line);
        }

        return row;
    }

    private const string CsvHeader = "epoch,grad_norm,learning_rate,step,train_loss,val_loss\n";

    /// <summary>The rows Lightning's CSVLogger writes for <see cref="Row"/>'s values: validation on a row of its own.</summary>
    private static string CsvRow(long i)
    {
        var loss = 2.0 / (1 + (i / 5000.0)) + (0.05 * Math.Sin(i));
        var s = string.Create(CultureInfo.InvariantCulture, $"{i / 10_000},{1 + (0.3 * Math.Cos(i)):R},{5e-5 * (1 - (i / 1e7)):R},{i},{loss:R},\n");
        return i % 100 == 0 ? s + string.Create(CultureInfo.InvariantCulture, $"{i / 10_000},,,{i},,{2.2 / (1 + (i / 6000.0)):R}\n") : s;
    }

    private static string Row(long i)
    {
        var loss = 2.0 / (1 + (i / 5000.0)) + (0.05 * Math.Sin(i));
        var s = string.Create(CultureInfo.InvariantCulture, $"{{\"step\": {i}, \"loss\": {loss:R}, \"learning_rate\": {5e-5 * (1 - (i / 1e7)):R}, \"grad_norm\": {1 + (0.3 * Math.Cos(i)):R}");
        return i % 100 == 0 ? s + string.Create(CultureInfo.InvariantCulture, $", \"eval_loss\": {2.2 / (1 + (i / 6000.0)):R}}}") : s + "}";
    }

    private static TimeSpan Cpu() => Process.GetCurrentProcess().TotalProcessorTime;

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";

    private static string Spread(List<double> values) => values.Count == 0 ? "no figure"
        : string.Create(CultureInfo.InvariantCulture, $"median {Pct(values, 50):F3} s (min {values.Min():F3}, max {values.Max():F3}, n {values.Count})");

    private static double Pct(List<double> values, int p)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p / 100.0 * sorted.Count) - 1)];
    }
}

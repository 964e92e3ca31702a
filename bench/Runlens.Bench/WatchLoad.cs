using System.Diagnostics;
using System.Globalization;
using System.Text;
using Runlens.Live.Watch;
using Runlens.Pipeline.Sources;

namespace Runlens.Bench;

/// <summary>
/// <c>watch [SECONDS] [POINTS_PER_SECOND] [PREFILL_POINTS]</c>: a writer appends a JSONL training log at a fixed rate
/// (rows of train loss, learning rate and grad norm, validation loss every 100 rows) while a <see cref="RunWatcher"/>
/// watches the file, diagnosing it again whenever it changes. Prints, per turn, how far the watcher was behind the
/// writer (lag: the points written but not yet diagnosed, in seconds of writing, measured when the turn ends) and what
/// a turn cost, and the process's CPU use. <c>PREFILL_POINTS</c> starts from a log that already holds that many points,
/// to show a long run.
/// </summary>
internal static class WatchLoad
{
    public static async Task<int> RunAsync(int seconds, int rate, int prefill)
    {
        var folder = Directory.CreateTempSubdirectory("runlens-watch-").FullName;
        try
        {
            var log = Path.Combine(folder, "metrics.jsonl");
            const int PerRow = 3; // loss, learning_rate, grad_norm (+ eval_loss every 100 rows)
            long row = 0;
            await using (var f = new StreamWriter(log))
            {
                while (row * PerRow < prefill)
                {
                    await f.WriteLineAsync(Row(++row));
                }
            }

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
                        b.Append(Row(++r)).Append('\n');
                    }

                    await f.WriteAsync(b);
                    await f.FlushAsync();
                    Interlocked.Exchange(ref written, r);
                    await Task.Delay(10);
                }
            });

            var lags = new List<double>();
            var costs = new List<double>();
            var sizes = new List<long>();
            var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
            var wall = Stopwatch.StartNew();
            var watcher = new RunWatcher(new PathRunSource(log)).OnCycle((c, _) =>
            {
                if (c.Changed && c.LastStep is { } seen)
                {
                    lags.Add((Interlocked.Read(ref written) - seen) * PerRow / (double)rate);
                    costs.Add(c.Cost.TotalMilliseconds);
                    sizes.Add(c.Points);
                }

                return Task.CompletedTask;
            });
            await watcher.RunAsync(null, stop.Token);
            await writer;
            var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds / wall.Elapsed.TotalSeconds * 100;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"watch: {seconds} s at {rate:N0} points/s from {prefill:N0} points, {Environment.ProcessorCount} cores; {Interlocked.Read(ref written) * PerRow:N0} points at the end"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {costs.Count} diagnoses; read + diagnose per turn: p50 {Pct(costs, 50):F0} ms, max {costs.DefaultIfEmpty().Max():F0} ms (last turn: {sizes.LastOrDefault():N0} points)"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  lag behind the writer when a turn ends: p50 {Pct(lags, 50):F2} s, p95 {Pct(lags, 95):F2} s, max {lags.DefaultIfEmpty().Max():F2} s; CPU {cpu:F0}% of one core (writer included)"));
            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string Row(long i)
    {
        var loss = 2.0 / (1 + (i / 5000.0)) + (0.05 * Math.Sin(i));
        var s = string.Create(CultureInfo.InvariantCulture, $"{{\"step\": {i}, \"loss\": {loss:R}, \"learning_rate\": {5e-5 * (1 - (i / 1e7)):R}, \"grad_norm\": {1 + (0.3 * Math.Cos(i)):R}");
        return i % 100 == 0 ? s + string.Create(CultureInfo.InvariantCulture, $", \"eval_loss\": {2.2 / (1 + (i / 6000.0)):R}}}") : s + "}";
    }

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

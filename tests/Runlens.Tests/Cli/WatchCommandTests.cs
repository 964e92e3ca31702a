using System.Globalization;
using System.Text;
using System.Text.Json;
using Runlens.Tests.Support;

namespace Runlens.Tests.Cli;

/// <summary><c>runlens watch</c> as a real process over a log that another task writes while it watches.</summary>
public sealed class WatchCommandTests
{
    [Fact]
    public async Task Findings_are_printed_once_each_as_json_lines_while_the_log_grows()
    {
        using var dir = new TempDir();
        var log = dir.File("metrics.jsonl");
        await File.WriteAllTextAsync(log, "");
        var writer = Task.Run(async () =>
        {
            await using var f = new StreamWriter(log, append: true) { AutoFlush = true };
            for (var i = 1; i <= 300; i++)
            {
                var b = new StringBuilder().Append(CultureInfo.InvariantCulture, $"{{\"step\": {i}, \"loss\": {2.0 / (1 + (i / 20.0)):R}");
                if (i % 10 == 0)
                {
                    b.Append(CultureInfo.InvariantCulture, $", \"eval_loss\": {(1.0 / (1 + (i / 30.0))) + (i < 150 ? 0 : (i - 150) * 0.004):R}");
                }

                await f.WriteLineAsync(b.Append('}').ToString());
                await Task.Delay(i % 50 == 0 ? 300 : 2);
            }
        });

        // stops by itself 3 s after the last new point
        var r = await RunlensProcess.RunAsync("watch", log, "--format", "json", "--interval", "0.2", "--idle-exit", "0.05");
        await writer;
        Assert.Equal(0, r.ExitCode);
        var lines = r.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var findings = lines.Where(l => l.GetProperty("type").GetString() == "finding")
            .Select(l => (Id: l.GetProperty("finding").GetProperty("id").GetString(), Step: l.GetProperty("step").GetInt64())).ToList();
        var overfitting = Assert.Single(findings, f => f.Id == "RL0101");
        Assert.InRange(overfitting.Step, 160, 300); // seen while the run went on, after validation loss began to rise at 150
        Assert.Equal(findings.Count, findings.Select(f => f.Id).Distinct().Count()); // each once (one series each here)
        Assert.All(lines, l => Assert.True(DateTimeOffset.TryParse(l.GetProperty("time").GetString(), CultureInfo.InvariantCulture, out _)));
    }

    [Fact]
    public async Task An_unknown_target_and_a_bad_interval_are_clean_errors()
    {
        using var dir = new TempDir();
        var missing = await RunlensProcess.RunAsync("watch", "no-such-run", "--store", dir.File("store.db"));
        Assert.Equal(2, missing.ExitCode);
        Assert.Equal("runlens: no run 'no-such-run' in the store (yet). Check the run id (runlens runs lists them) and the store or server.", missing.StdErr.Trim());
        var bad = await RunlensProcess.RunAsync("watch", dir.Path, "--interval", "0");
        Assert.Equal(1, bad.ExitCode);
        Assert.Equal("runlens: --interval must be from 0.05 to 3600 seconds", bad.StdErr.Trim());
    }
}

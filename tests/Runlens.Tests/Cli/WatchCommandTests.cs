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

        // a finding is printed when it appears and again only after it was printed as resolved
        var open = new HashSet<string>(StringComparer.Ordinal);
        foreach (var l in lines.Where(l => l.GetProperty("type").GetString() is "finding" or "resolved"))
        {
            var key = l.GetProperty("key").GetString()!;
            Assert.True(l.GetProperty("type").GetString() == "finding" ? open.Add(key) : open.Remove(key), key);
        }
        Assert.All(lines, l => Assert.True(DateTimeOffset.TryParse(l.GetProperty("time").GetString(), CultureInfo.InvariantCulture, out _)));
    }

    [Fact]
    public async Task A_NaN_loss_written_while_watching_is_printed_with_its_step()
    {
        using var dir = new TempDir();
        var log = dir.File("metrics.jsonl");
        static string Line(int i, double loss) => string.Create(CultureInfo.InvariantCulture, $"{{\"step\": {i}, \"loss\": {(double.IsNaN(loss) ? "NaN" : loss.ToString("R", CultureInfo.InvariantCulture))}}}\n");
        await File.WriteAllTextAsync(log, string.Concat(Enumerable.Range(1, 200).Select(i => Line(i, 2.0 / (1 + (i / 20.0))))));
        var writer = Task.Run(async () =>
        {
            await Task.Delay(1500);
            await File.AppendAllTextAsync(log, string.Concat(Enumerable.Range(201, 10).Select(i => Line(i, i == 205 ? double.NaN : 0.2))));
        });

        var r = await RunlensProcess.RunAsync("watch", log, "--format", "json", "--interval", "0.2", "--idle-exit", "0.05");
        await writer;
        Assert.Equal(0, r.ExitCode);
        var lines = r.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var divergence = Assert.Single(lines, l => l.GetProperty("type").GetString() == "finding" && l.GetProperty("finding").GetProperty("id").GetString() == "RL0107");
        Assert.Equal(210, divergence.GetProperty("step").GetInt64());
        Assert.Contains("became NaN at step 205", divergence.GetProperty("finding").GetProperty("title").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_target_and_a_bad_interval_are_clean_errors()
    {
        using var dir = new TempDir();
        var noStore = await RunlensProcess.RunAsync("watch", "no-such-run", "--store", dir.File("none.db"));
        Assert.Equal(2, noStore.ExitCode);
        Assert.StartsWith($"runlens: {dir.File("none.db")}: no Runlens store here yet; ", noStore.StdErr.Trim(), StringComparison.Ordinal);
        await (await Runlens.Storage.Sqlite.SqliteRunStore.OpenAsync(dir.File("store.db"))).DisposeAsync();
        var missing = await RunlensProcess.RunAsync("watch", "no-such-run", "--store", dir.File("store.db"));
        Assert.Equal(2, missing.ExitCode);
        Assert.Equal("runlens: no run 'no-such-run' in the store (yet). Check the run id (runlens runs lists them) and the store or server.", missing.StdErr.Trim());
        var bad = await RunlensProcess.RunAsync("watch", dir.Path, "--interval", "0");
        Assert.Equal(1, bad.ExitCode);
        Assert.Equal("runlens: --interval must be from 0.05 to 3600 seconds", bad.StdErr.Trim());
    }

    [Fact]
    public async Task A_run_on_a_server_is_watched_until_it_ends_and_the_stop_is_posted_to_the_server()
    {
        await using var server = await TestServer.StartAsync();
        await server.CallAsync(HttpMethod.Post, "/api/runs", """{"id": "w1", "name": "diverging"}""");
        var values = string.Join(",", Enumerable.Range(1, 60).Select(i => i < 40 ? (2.0 / i).ToString("R", CultureInfo.InvariantCulture) : "\"NaN\""));
        await server.CallAsync(HttpMethod.Post, "/api/runs/w1/points", $$"""{"series": [{"key": "loss", "steps": [{{string.Join(",", Enumerable.Range(1, 60))}}], "values": [{{values}}]}]}""");
        await server.CallAsync(HttpMethod.Post, "/api/runs/w1/status", """{"status": "failed"}""");
        using var dir = new TempDir();
        await File.WriteAllTextAsync(dir.File("alerts.yaml"), "sinks: []\nactions:\n  - rule: divergence\n    do: stop\n");

        var r = await RunlensProcess.RunAsync("watch", "w1", "--server", server.Address.ToString(), "--alerts", dir.File("alerts.yaml"), "--format", "json");
        Assert.Equal(0, r.ExitCode); // the run has ended: the watch ends by itself
        var types = r.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("type").GetString()).ToList();
        Assert.Contains("finding", types);
        Assert.Equal(1, types.Count(t => t == "action"));
        var control = ControlDocument.Parse(await server.Http.GetStringAsync("/api/runs/w1/control"));
        Assert.Equal("RL0107", Assert.Single(control.Actions).RuleId);
        var run = await server.Store.GetRunAsync("w1");
        Assert.Single(run!.Events, e => e.Kind == Runlens.Model.RunEventKind.Control);
    }

    [Fact]
    public async Task A_bad_alert_file_is_named_with_its_line_before_anything_is_watched()
    {
        using var dir = new TempDir();
        await File.WriteAllTextAsync(dir.File("m.jsonl"), "{\"step\": 1, \"loss\": 1}\n");
        await File.WriteAllTextAsync(dir.File("alerts.yaml"), "actions:\n  - rule: divergence\n    do: explode\n");
        var r = await RunlensProcess.RunAsync("watch", dir.File("m.jsonl"), "--alerts", dir.File("alerts.yaml"));
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith($"runlens: {dir.File("alerts.yaml")}:3:", r.StdErr, StringComparison.Ordinal);
        Assert.Single(r.StdErr.Trim().Split('\n'));
    }

    [Fact]
    public async Task A_run_in_a_store_is_watched_and_its_stop_is_kept_in_the_store_with_its_event()
    {
        using var dir = new TempDir();
        var storePath = dir.File("runs.db");
        var loss = Enumerable.Range(1, 60).Select(i => i < 40 ? 2.0 / i : double.NaN).ToArray();
        await using (var s = await Runlens.Storage.Sqlite.SqliteRunStore.OpenAsync(storePath))
        {
            await s.SaveRunAsync(new RunBuilder().Named("stored-1").Series("train/loss", 10, loss).Status(Runlens.Model.RunStatus.Failed).Build());
        }

        await File.WriteAllTextAsync(dir.File("alerts.yaml"), "sinks: []\nactions:\n  - rule: divergence\n    do: stop\n");
        var r = await RunlensProcess.RunAsync("watch", "stored-1", "--store", storePath, "--alerts", dir.File("alerts.yaml"), "--format", "json");
        Assert.Equal(0, r.ExitCode);

        await using var store = await Runlens.Storage.Sqlite.SqliteRunStore.OpenAsync(storePath);
        var control = await Runlens.Live.Control.StoreControlChannel.ReadAsync(store, "stored-1", default);
        var stop = Assert.Single(control.Actions);
        Assert.Equal(("a1", "RL0107"), (stop.Id, stop.RuleId));
        var run = await store.GetRunAsync("stored-1");
        Assert.StartsWith("control a1: stop: ", Assert.Single(run!.Events, e => e.Kind == Runlens.Model.RunEventKind.Control).Message, StringComparison.Ordinal);

        // watched again, the action already in the store is not repeated
        r = await RunlensProcess.RunAsync("watch", "stored-1", "--store", storePath, "--alerts", dir.File("alerts.yaml"), "--format", "json");
        Assert.Equal(0, r.ExitCode);
        Assert.Single((await Runlens.Live.Control.StoreControlChannel.ReadAsync(store, "stored-1", default)).Actions);
    }
}

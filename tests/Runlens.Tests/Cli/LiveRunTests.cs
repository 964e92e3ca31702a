using System.Text.Json;
using Runlens.Live.Control;
using Runlens.Tests.Support;

namespace Runlens.Tests.Cli;

/// <summary>
/// <c>runlens run</c> watching a real training process (Debian's python3) while it trains: the loss becomes NaN at step
/// 40 of 3,000; the alert config turns the divergence finding into a <c>stop</c>; the trainer really stops early, and
/// the reason is left in the run.
/// </summary>
public sealed class LiveRunTests
{
    private static string Loop => Path.Combine(Fixtures.RepoRoot, "tests", "fixtures", "live", "diverging_loop.py");

    private static string Client => Path.Combine(Fixtures.RepoRoot, "clients", "python");

    private static async Task<string> AlertsAsync(TempDir dir) =>
        await WriteAsync(dir.File("alerts.yaml"), "rules:\n  - rule: divergence\nsinks:\n  - file: alerts.jsonl\nactions:\n  - rule: divergence\n    do: stop\n");

    private static async Task<string> WriteAsync(string path, string text)
    {
        await File.WriteAllTextAsync(path, text);
        return path;
    }

    private static List<string?> Events(string folder, string kind)
    {
        using var d = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "diagnosis.json")));
        return [.. d.RootElement.GetProperty("run").GetProperty("events").EnumerateArray()
            .Where(e => e.GetProperty("kind").GetString() == kind).Select(e => e.GetProperty("message").GetString())];
    }

    [PythonFact]
    public async Task A_stop_decided_on_a_live_finding_stops_the_trainer_through_the_callback_and_the_reason_stays_in_the_run()
    {
        using var dir = new TempDir();
        var folder = Path.Combine(dir.Path, "rec");
        var r = await RunlensProcess.RunAsync("run", "--out", folder, "--alerts", await AlertsAsync(dir), "--",
            "env", "PYTHONPATH=" + Client, "python3", Loop, folder, "--callback");
        Assert.Equal(0, r.ExitCode);

        // the loop left on its own, long before its 3,000 steps, because the callback read stop from control.json
        var end = int.Parse(r.StdOut.Split('\n').Single(l => l.StartsWith("END ", StringComparison.Ordinal))[4..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(end, 41, 2000);

        var control = ControlDocument.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "control.json")));
        var stop = Assert.Single(control.Actions);
        Assert.Equal((ControlVerb.Stop, "RL0107"), (stop.Action, stop.RuleId));
        Assert.Contains("] error RL0107 divergence: ", r.StdErr, StringComparison.Ordinal); // printed live
        Assert.Contains("action: control a1: stop:", r.StdErr, StringComparison.Ordinal);

        // the reason is in the run runlens diagnosed at the end: the action with its finding, and the callback's note
        var recorded = Assert.Single(Events(folder, "control"));
        Assert.StartsWith("control a1: stop: ", recorded, StringComparison.Ordinal);
        Assert.Contains("divergence (RL0107): train/loss became NaN at step 40", recorded, StringComparison.Ordinal);
        Assert.Contains(Events(folder, "note"), n => n!.Contains("a1", StringComparison.Ordinal) && n.Contains("stop", StringComparison.Ordinal));

        // one alert for the finding, however many times the growing run was diagnosed
        var alerts = (await File.ReadAllLinesAsync(Path.Combine(dir.Path, "alerts.jsonl"))).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var alert = Assert.Single(alerts);
        Assert.Equal("runlens.alert/v1", alert.GetProperty("schema").GetString());
        Assert.Equal("RL0107", alert.GetProperty("rule_id").GetString());
    }

    [PythonFact]
    public async Task A_trainer_without_the_callback_is_stopped_with_sigint_after_the_grace_time()
    {
        using var dir = new TempDir();
        var folder = Path.Combine(dir.Path, "rec");
        var r = await RunlensProcess.RunAsync("run", "--out", folder, "--alerts", await AlertsAsync(dir), "--stop-grace", "0.5", "--",
            "python3", Loop, folder, "--steps", "30000");
        Assert.Equal(130, r.ExitCode); // Python dies of the SIGINT (KeyboardInterrupt) it did not catch: 128 + 2
        Assert.DoesNotContain("END ", r.StdOut, StringComparison.Ordinal);
        Assert.Contains("runlens run: sent SIGINT to ", r.StdErr, StringComparison.Ordinal);
        Assert.Contains("KeyboardInterrupt", await File.ReadAllTextAsync(Path.Combine(folder, "output.log")), StringComparison.Ordinal);
        var lines = (await File.ReadAllLinesAsync(Path.Combine(folder, "metrics.jsonl"))).Length;
        // stopped after the NaN at step 40 and before the end (the loop would run 300 s; how soon it stops depends on the
        // machine's load, so no tighter bound)
        Assert.InRange(lines, 41, 29_999);
        Assert.StartsWith("control a1: stop: ", Assert.Single(Events(folder, "control")), StringComparison.Ordinal);
    }

    [PythonFact]
    public async Task A_trainer_that_ignores_sigint_and_sigterm_is_killed_after_the_kill_after_time()
    {
        using var dir = new TempDir();
        var folder = Path.Combine(dir.Path, "rec");
        var r = await RunlensProcess.RunAsync("run", "--out", folder, "--alerts", await AlertsAsync(dir), "--stop-grace", "0.5", "--kill-after", "1", "--",
            "python3", Loop, folder, "--steps", "30000", "--ignore-signals");
        Assert.Equal(137, r.ExitCode); // 128 + SIGKILL
        Assert.DoesNotContain("END ", r.StdOut, StringComparison.Ordinal);
        var sent = r.StdErr.Split('\n').Where(l => l.StartsWith("runlens run: sent ", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, sent.Count);
        Assert.Matches(@"^runlens run: sent SIGINT to \d+ \(control a1: stop\)$", sent[0]);
        Assert.Matches(@"^runlens run: sent SIGTERM to \d+ \(control a1: stop; still running 1 s after SIGINT\)$", sent[1]);
        Assert.Matches(@"^runlens run: sent SIGKILL to \d+ \(control a1: stop; still running 1 s after SIGTERM\)$", sent[2]);
        Assert.InRange((await File.ReadAllLinesAsync(Path.Combine(folder, "metrics.jsonl"))).Length, 41, 29_999);

        // the diagnosis says who stopped it and why, instead of guessing at the out-of-memory killer
        var diagnosis = await File.ReadAllTextAsync(Path.Combine(folder, "diagnosis.json"));
        Assert.DoesNotContain("out-of-memory killer", diagnosis, StringComparison.Ordinal);
        using var d = JsonDocument.Parse(diagnosis);
        var failed = d.RootElement.GetProperty("findings").EnumerateArray().Single(f => f.GetProperty("id").GetString() == "RL0405");
        Assert.Equal("stopped", failed.GetProperty("evidence").GetProperty("cause").GetString());
        Assert.Equal("The process was stopped by signal 9 (SIGKILL, exit code 137) sent by runlens run on control a1: stop",
            failed.GetProperty("evidence").GetProperty("errors")[0].GetString());
        Assert.StartsWith("The run was stopped on purpose, by runlens run on control a1: stop: act on the finding",
            failed.GetProperty("recommendations")[0].GetProperty("action").GetString(), StringComparison.Ordinal);
    }

    [PythonFact]
    public async Task A_run_is_sent_to_a_server_as_it_trains_with_its_end_and_its_actions()
    {
        await using var server = await TestServer.StartAsync();
        using var dir = new TempDir();
        var folder = Path.Combine(dir.Path, "rec");
        var r = await RunlensProcess.RunAsync("run", "--out", folder, "--alerts", await AlertsAsync(dir), "--server", server.Address.ToString(), "--",
            "env", "PYTHONPATH=" + Client, "python3", Loop, folder, "--callback");
        Assert.Equal(0, r.ExitCode);
        var id = r.StdErr.Split('\n').Single(l => l.Contains(" as run ", StringComparison.Ordinal)).Split(" as run ")[1].Trim();
        var run = await server.Store.GetRunAsync(id);
        Assert.NotNull(run);
        Assert.Equal(Runlens.Model.RunStatus.Finished, run.Status);
        var end = int.Parse(r.StdOut.Split('\n').Single(l => l.StartsWith("END ", StringComparison.Ordinal))[4..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(end, run.Get("train/loss")!.Count); // every logged loss, once
        Assert.Contains(run.Events, e => e.Kind == Runlens.Model.RunEventKind.Control && e.Message.StartsWith("control a1: stop: ", StringComparison.Ordinal));
    }
}

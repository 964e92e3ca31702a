using System.Text.Json;
using System.Text.Json.Nodes;
using Runlens.Tests.Support;

namespace Runlens.Tests.Pipeline;

/// <summary>
/// <c>runlens analyze DIR</c> of a folder <c>runlens run</c> wrote reads it as <c>runlens run</c> did when the process
/// ended — process.json (exit, the failures in the output), system.jsonl, control.json (the recovery actions taken) and
/// the trainer's log — so it reports the same crash, with the same evidence, as the diagnosis.json written then.
/// </summary>
public sealed class RunFolderTests
{
    [PythonFact]
    public async Task Analyzing_a_runlens_run_folder_reports_the_crash_exactly_as_runlens_run_did()
    {
        // A trainer that writes a Lightning metrics.csv whose validation loss rises after epoch 4 (so overfitting is
        // found while it runs and the alert rules stop it), then dies of a CUDA out-of-memory error with a traceback.
        using var dir = new TempDir();
        var folder = Path.Combine(dir.Path, "rec");
        await File.WriteAllTextAsync(dir.File("alerts.yaml"), "rules:\n  - rule: overfitting\nsinks:\n  - file: alerts.jsonl\nactions:\n  - rule: overfitting\n    do: stop\n");
        var script = string.Join('\n',
            "import csv, sys, os, time",
            $"out = {JsonSerializer.Serialize(folder)}",
            "os.makedirs(out, exist_ok=True)",
            "with open(os.path.join(out, 'metrics.csv'), 'w', newline='') as f:",
            "    w = csv.writer(f); w.writerow(['epoch', 'step', 'train_loss', 'val_loss'])",
            "    for e in range(20): w.writerow([e, (e + 1) * 100, 2.0 / (1 + e), 1.0 + (e - 4) ** 2 / 40])",
            "deadline = time.time() + 20",
            "while time.time() < deadline and 'a1' not in open(os.path.join(out, 'control.json')).read(): time.sleep(0.1)",
            "print('Traceback (most recent call last):', file=sys.stderr)",
            "print('  File \"train.py\", line 42, in <module>', file=sys.stderr)",
            "print('torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 1.50 GiB. GPU 0 has a total capacity of 15.77 GiB', file=sys.stderr)",
            "sys.exit(1)");
        var ran = await RunlensProcess.RunAsync("run", "--out", folder, "--alerts", dir.File("alerts.yaml"), "--stop-grace", "-1", "--", "python3", "-c", script);
        Assert.True(ran.ExitCode == 1, ran.StdErr);
        foreach (var file in new[] { "process.json", "output.log", "control.json", "system.jsonl", "metrics.csv", "diagnosis.json" })
        {
            Assert.True(File.Exists(Path.Combine(folder, file)), file + " is missing: " + ran.StdErr);
        }

        var analyzed = await RunlensProcess.RunAsync("analyze", folder, "--format", "json");
        Assert.True(analyzed.ExitCode == 0, analyzed.StdErr);
        var fromRun = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "diagnosis.json")))!;
        var fromAnalyze = JsonNode.Parse(analyzed.StdOut)!;

        JsonNode FailedRun(JsonNode doc) => doc["findings"]!.AsArray().Single(f => (string?)f!["rule"] == "failed-run")!;
        var crash = FailedRun(fromRun);
        Assert.Equal("out-of-memory", (string?)crash["evidence"]!["cause"]);
        Assert.Contains("CUDA out of memory (tried to allocate 1.50 GiB)", crash.ToJsonString(), StringComparison.Ordinal);
        Assert.True(JsonNode.DeepEquals(crash, FailedRun(fromAnalyze)), $"runlens run: {crash.ToJsonString()}\nanalyze: {FailedRun(fromAnalyze).ToJsonString()}");

        // The whole diagnosis is the same: the trainer's log, the process's events and the stop action taken.
        var events = fromAnalyze["run"]!["events"]!.AsArray().Select(e => (string?)e!["message"]).ToList();
        Assert.Contains(events, m => m!.StartsWith("control a1: stop", StringComparison.Ordinal));
        Assert.Equal("lightning-csv", (string?)fromAnalyze["run"]!["source"]!["format"]);
        Assert.Equal(fromRun.ToJsonString(), fromAnalyze.ToJsonString());
    }
}

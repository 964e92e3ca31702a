using System.Text.Json;
using Runlens.Tests.Support;

namespace Runlens.Tests.Cli;

/// <summary><c>runlens run -- COMMAND</c> over a real child process (Debian's python3).</summary>
public sealed class RunCommandTests
{
    [PythonFact]
    public async Task A_crashing_command_is_recorded_with_its_output_traceback_samples_and_exit_code()
    {
        using var dir = new TempDir();
        var folder = Path.Combine(dir.Path, "rec");
        var script = "import time\nfor i in range(4):\n    print({'loss': 1/(i+1), 'epoch': i}, flush=True)\n    time.sleep(0.15)\nraise KeyError('input_ids')\n";
        var r = await RunlensProcess.RunAsync("run", "--out", folder, "--sample-seconds", "0.1", "--", "python3", "-c", script);
        Assert.Equal(1, r.ExitCode); // the command's own exit code
        Assert.Contains("{'loss': 0.25, 'epoch': 3}", r.StdOut, StringComparison.Ordinal); // streamed to the terminal
        Assert.Contains("KeyError: 'input_ids' (last frame <string>:5 in <module>)", r.StdErr, StringComparison.Ordinal);

        var log = await File.ReadAllLinesAsync(Path.Combine(folder, "output.log"));
        Assert.Equal("{'loss': 1.0, 'epoch': 0}", log[0]);
        using var process = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "process.json")));
        Assert.Equal(1, process.RootElement.GetProperty("exit_code").GetInt32());
        Assert.True(process.RootElement.GetProperty("duration_seconds").GetDouble() >= 0.5);
        var events = process.RootElement.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("message").GetString()).ToList();
        Assert.Equal(["KeyError: 'input_ids' (last frame <string>:5 in <module>)", "The process exited with code 1"], events);

        var samples = (await File.ReadAllLinesAsync(Path.Combine(folder, "system.jsonl"))).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.True(samples.Count >= 3, $"{samples.Count} samples");
        Assert.Contains(samples, s => s.GetProperty("rss_bytes").GetInt64() > 1_000_000);
        Assert.All(samples, s => Assert.True(s.GetProperty("host_memory_total_bytes").GetInt64() > 0));
    }

    [PythonFact]
    public async Task A_command_killed_by_sigkill_is_named_and_a_missing_one_is_a_clean_error()
    {
        using var dir = new TempDir();
        var killed = await RunlensProcess.RunAsync("run", "--out", Path.Combine(dir.Path, "k"), "--", "python3", "-c", "import os, signal; os.kill(os.getpid(), signal.SIGKILL)");
        Assert.Equal(137, killed.ExitCode);
        Assert.Contains("killed by signal 9 (SIGKILL, exit code 137)", killed.StdErr, StringComparison.Ordinal);

        var missing = await RunlensProcess.RunAsync("run", "--out", Path.Combine(dir.Path, "m"), "--", "no-such-trainer-command");
        Assert.Equal(2, missing.ExitCode);
        Assert.StartsWith("runlens: cannot start 'no-such-trainer-command'", missing.StdErr, StringComparison.Ordinal);
    }

    [PythonFact]
    public async Task The_trainers_own_log_is_found_and_diagnosed_with_how_the_process_ended()
    {
        // a trainer that writes a Lightning metrics.csv (validation loss rising after epoch 4), then runs out of GPU memory
        using var dir = new TempDir();
        var folder = Path.Combine(dir.Path, "rec");
        var script = string.Join('\n',
            "import csv, sys, os",
            $"out = {JsonSerializer.Serialize(folder)}",
            "os.makedirs(out, exist_ok=True)",
            "with open(os.path.join(out, 'metrics.csv'), 'w', newline='') as f:",
            "    w = csv.writer(f); w.writerow(['epoch', 'step', 'train_loss', 'val_loss'])",
            "    for e in range(20): w.writerow([e, (e + 1) * 100, 2.0 / (1 + e), 1.0 + (e - 4) ** 2 / 40])",
            "print('torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 1.50 GiB.', file=sys.stderr)",
            "sys.exit(1)");
        var r = await RunlensProcess.RunAsync("run", "--out", folder, "--", "python3", "-c", script);
        Assert.Equal(1, r.ExitCode);
        using var diagnosis = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "diagnosis.json")));
        var root = diagnosis.RootElement;
        Assert.Equal("lightning-csv", root.GetProperty("run").GetProperty("source").GetProperty("format").GetString());
        var rules = root.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("rule").GetString()).ToList();
        Assert.Contains("failed-run", rules);
        Assert.Contains("overfitting", rules);
        Assert.Contains("CUDA out of memory (tried to allocate 1.50 GiB)", root.GetProperty("findings").EnumerateArray().First(f => f.GetProperty("rule").GetString() == "failed-run").GetRawText(), StringComparison.Ordinal);
        Assert.Contains("diagnosed " + Path.Combine(folder, "metrics.csv"), r.StdErr, StringComparison.Ordinal);
    }
}

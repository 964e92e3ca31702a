using System.CommandLine;
using System.Globalization;
using Runlens.Import.Output;
using Runlens.Live.Control;
using Runlens.Live.Watch;
using Runlens.Pipeline.Diagnosing;
using Runlens.Pipeline.Resolution;
using Runlens.Pipeline.Sources;

namespace Runlens.Cli.Commands;

/// <summary><c>runlens run [--out DIR] [--sample-seconds N] -- COMMAND ARGS...</c>: runs a training command and records
/// its output, system use, exit and failures into DIR; exits with the command's own exit code.</summary>
internal static class RunCommand
{
    public static Command Build()
    {
        var command = new Argument<string[]>("command") { Description = "The training command and its arguments, after --", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string?>("--out") { Description = "Folder for output.log, system.jsonl and process.json (default: ./runlens-run-TIMESTAMP)" };
        var every = new Option<double>("--sample-seconds") { Description = "Seconds between system samples (CPU, memory, GPU)", DefaultValueFactory = _ => 5 };
        var alerts = new Option<string?>("--alerts") { Description = "Alert rules (YAML, docs/alerts.md): which findings, thresholds and stalls to send where, and which recovery actions to write to DIR/control.json" };
        var server = new Option<string?>("--server") { Description = "Also send the run to a Runlens server (runlens serve) as it trains, e.g. http://127.0.0.1:5000; token from $RUNLENS_TOKEN" };
        var grace = new Option<double>("--stop-grace") { Description = "After a stop action, seconds to let the trainer stop itself (it reads control.json) before it is sent SIGINT; negative: never send it", DefaultValueFactory = _ => 10 };
        var killAfter = new Option<double>("--kill-after") { Description = "Seconds after SIGINT before a trainer still running is sent SIGTERM, and as long again before SIGKILL; negative: SIGINT only", DefaultValueFactory = _ => 30 };
        var settings = new SettingsOptions();
        var run = new Command("run", "Run a training command and record it: its output (also shown here), CPU, memory and GPU use, how it ended, and the failures its output shows; diagnose its log while it trains.")
        {
            command, output, every, alerts, server, grace, killAfter,
        };
        settings.AddTo(run);
        run.SetAction(async (parse, ct) =>
        {
            if (settings.LoadOrReport(parse) is not { } loaded)
            {
                return ExitCodes.Usage;
            }

            var args = parse.GetValue(command)!;
            var folder = parse.GetValue(output) ?? $"runlens-run-{DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}";
            var seconds = parse.GetValue(every);
            if (seconds is <= 0 or > 3600)
            {
                await Console.Error.WriteLineAsync("runlens: --sample-seconds must be above 0 and at most 3600");
                return ExitCodes.Usage;
            }

            using var setup = LiveSetup.CreateOrReport(parse.GetValue(alerts));
            if (setup is null)
            {
                return ExitCodes.BadInput;
            }

            // While the command runs: its log is found and diagnosed as it grows, findings are printed once, alerts are
            // sent, and recovery actions go to DIR/control.json (the Python callback reads it; stop also sends SIGINT
            // after the grace time).
            Directory.CreateDirectory(folder);
            var full = Path.GetFullPath(folder);
            var controlPath = Path.Combine(full, ControlDocument.FileName);
            ControlDocument.Empty(Path.GetFileName(full)).WriteTo(controlPath); // this run starts with no actions, whatever an earlier one left
            var pid = 0;
            var stopGrace = parse.GetValue(grace);
            var escalate = parse.GetValue(killAfter) is var k && k >= 0 ? TimeSpan.FromSeconds(k) : (TimeSpan?)null;
            var signalled = new System.Collections.Concurrent.ConcurrentDictionary<int, string>(); // signal → why runlens run sent it
            using var watching = new CancellationTokenSource();
            var monitor = setup.Monitor(Console.Error, false, new FileControlChannel(controlPath, Path.GetFileName(full)), (action, token) =>
            {
                if (action.Action == ControlVerb.Stop && stopGrace >= 0 && pid > 0)
                {
                    _ = StopLaterAsync(pid, action.Id, TimeSpan.FromSeconds(stopGrace), escalate, signalled, watching.Token);
                }

                return Task.CompletedTask;
            });
            var start = DateTimeOffset.UtcNow;
            var source = PathRunSource.Discover([Environment.CurrentDirectory, full], start);
            var diagnoses = new DiagnosisService(loaded);
            var watcher = monitor.Attach(new RunWatcher(source, diagnoses));
            using var http = parse.GetValue(server) is { } url ? WatchCommand.Http(url) : null;
            var publisher = http is null ? null : new ServerPublisher(http, Guid.NewGuid().ToString("N"), Path.GetFileName(full));
            string? lastProblem = null;
            if (publisher is not null)
            {
                watcher.OnCycle(async (cycle, token) =>
                {
                    if (cycle.Changed && cycle.Diagnosis is { } d)
                    {
                        await publisher.PublishAsync(d.Run, token);
                        if (publisher.Problem is { } p && p != lastProblem)
                        {
                            await Console.Error.WriteLineAsync($"runlens run: the server did not take the points (it will be tried again): {p}");
                        }

                        lastProblem = publisher.Problem;
                    }
                });
            }

            var live = Task.Run(() => watcher.RunAsync(null, watching.Token), CancellationToken.None);
            RecordedProcess recorded;
            try
            {
                recorded = await ProcessRecorder.RunAsync(args, folder, TimeSpan.FromSeconds(seconds), (line, error) => (error ? Console.Error : Console.Out).WriteLine(line),
                    new Dictionary<string, string> { ["RUNLENS_RUN_DIR"] = full, ["RUNLENS_CONTROL"] = controlPath }, started => pid = started,
                    signal => signalled.TryGetValue(signal, out var why) ? why : null);
            }
            catch (System.ComponentModel.Win32Exception ex)
            {
                await watching.CancelAsync();
                await Console.Error.WriteLineAsync($"runlens: cannot start '{args[0]}': {ex.Message}. Check the command and your PATH.");
                return ExitCodes.BadInput;
            }
            finally
            {
                await watching.CancelAsync();
                try
                {
                    await live;
                }
                catch (OperationCanceledException)
                {
                }
            }

            await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"runlens run: exit code {recorded.ExitCode} after {(recorded.End - recorded.Start).TotalSeconds:F1} s; {recorded.Events.Count} failure event(s) in the output; {monitor.Actions.Count} control action(s); recorded in {folder}/"));
            foreach (var e in recorded.Events)
            {
                await Console.Error.WriteLineAsync($"  {e.Kind.ToString().ToLowerInvariant()}: {e.Message}{(e.Location is null ? "" : $" ({e.File}, {e.Location})")}");
            }

            // The trainer's own log, when it wrote one here or in DIR, is diagnosed together with how the process ended and
            // the actions taken: process.json names the log, and the folder is read back as `runlens analyze DIR` reads it.
            ProcessFile.Write(folder, recorded, source.Path ?? TrainerLogs.Find([Environment.CurrentDirectory, folder], recorded.Start));
            var read = await RunFolder.ReadAsync(folder, CancellationToken.None);
            if (read.Problem is { } problem)
            {
                await Console.Error.WriteLineAsync("runlens: " + problem);
            }

            var ran = read.Run;
            var log = read.TrainerLog;
            var diagnosis = diagnoses.Diagnose(new ResolvedRun(ran));
            if (publisher is not null)
            {
                await publisher.PublishAsync(ran, CancellationToken.None);
                await publisher.FinishAsync(ran.Events, ran.Status, recorded.End, CancellationToken.None);
                await Console.Error.WriteLineAsync(publisher.Problem is null
                    ? $"runlens run: sent to {http!.BaseAddress} as run {publisher.RunId}"
                    : $"runlens run: the server did not take the run: {publisher.Problem}");
            }
            await using (var json = File.Create(Path.Combine(folder, "diagnosis.json")))
            {
                Reports.Renderers.For("json").Render([diagnosis], json);
            }

            await Console.Error.WriteLineAsync(log is null
                ? $"runlens run: no trainer log found; diagnosed the process alone → {folder}/diagnosis.json"
                : $"runlens run: diagnosed {log} with the process → {folder}/diagnosis.json");
            await using (var err = Console.OpenStandardError())
            {
                new Reports.Terminal.DiagnosisTerminalRenderer(false, 120).Render([diagnosis], err);
            }

            return recorded.ExitCode;
        });
        return run;
    }

    /// <summary>SIGINT to the training process after the grace time, unless it ended before; then, while it still runs,
    /// SIGTERM and SIGKILL, <paramref name="escalate"/> apart (a trainer that ignores Ctrl+C is stopped all the same).</summary>
    private static async Task StopLaterAsync(int pid, string actionId, TimeSpan grace, TimeSpan? escalate,
        System.Collections.Concurrent.ConcurrentDictionary<int, string> signalled, CancellationToken ended)
    {
        (string Name, int Number, Func<int, bool> Send, TimeSpan Wait)[] steps = escalate is { } e
            ? [("SIGINT", ProcessSignals.SigInt, ProcessSignals.Interrupt, grace), ("SIGTERM", ProcessSignals.SigTerm, ProcessSignals.Terminate, e),
                ("SIGKILL", ProcessSignals.SigKill, ProcessSignals.ForceKill, e)]
            : [("SIGINT", ProcessSignals.SigInt, ProcessSignals.Interrupt, grace)];
        var sent = new List<string>();
        foreach (var (name, number, send, wait) in steps)
        {
            try
            {
                await Task.Delay(wait, ended);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            signalled[number] = $"runlens run on control {actionId}: stop";
            if (send(pid))
            {
                var still = sent.Count == 0 ? "" : string.Create(CultureInfo.InvariantCulture, $"; still running {wait.TotalSeconds:0.#} s after {sent[^1]}");
                await Console.Error.WriteLineAsync($"runlens run: sent {name} to {pid} (control {actionId}: stop{still})");
                sent.Add(name);
            }
        }
    }
}

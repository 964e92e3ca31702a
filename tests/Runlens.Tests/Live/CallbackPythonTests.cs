using System.Diagnostics;
using System.Text.Json;
using Runlens.Import;
using Runlens.Live.Control;
using Runlens.Model;
using Runlens.Tests.Support;

namespace Runlens.Tests.Live;

/// <summary>
/// The Python callback (clients/python/runlens_callback.py) in a real child process: Debian's python3 runs a tiny real torch
/// training loop (tests/fixtures/callback/train_loop.py) that calls the callback the way transformers.Trainer does. The loop
/// prints what it logs; the run Runlens imports from the callback's file must say the same.
/// </summary>
public sealed class CallbackPythonTests
{
    private static string ClientFolder => Path.Combine(Fixtures.RepoRoot, "clients", "python");

    private static string Loop => Fixtures.Test("callback/train_loop.py");

    [TorchFact]
    public async Task Callback_file_imports_with_the_values_the_loop_logged()
    {
        using var tmp = new TempDir();
        var folder = Path.Combine(tmp.Path, "out");
        var child = await RunAsync([Loop, folder, "--steps", "30"]);
        Assert.True(child.ExitCode == 0, child.StdErr);

        var run = Assert.Single((await ImporterCatalog.ImportAsync(folder)).Runs);
        Assert.Equal("runlens-callback", run.Identity.Source.Format);
        Assert.Equal("tiny-linear", run.Identity.Name);
        Assert.Equal(RunStatus.Finished, run.Status);

        var logs = child.Tagged("LOG");
        Assert.Equal([5L, 10, 15, 20, 25, 30], logs.Select(l => l.GetProperty("step").GetInt64()));
        foreach (var (key, field) in new[] { (MetricNames.TrainLoss, "loss"), (MetricNames.GradNorm, "grad_norm"), (MetricNames.LearningRate, "learning_rate") })
        {
            var series = run.Get(key)!;
            Assert.Equal(logs.Select(l => l.GetProperty("step").GetInt64()), series.Steps());
            Assert.Equal(logs.Select(l => l.GetProperty(field).GetDouble()), series.Values());
        }

        var evals = child.Tagged("EVAL");
        Assert.Equal(3, evals.Count);
        foreach (var (key, field) in new[] { (MetricNames.ValLoss, "eval_loss"), ("val/accuracy", "eval_accuracy"), ("val/f1_cat", "eval_f1_cat"), ("val/f1_dog", "eval_f1_dog"), ("val/f1_bird", "eval_f1_bird") })
        {
            Assert.Equal(evals.Select(e => e.GetProperty(field).GetDouble()), run.Get(key)!.Values());
            Assert.Equal([10L, 20, 30], run.Get(key)!.Steps());
        }

        Assert.Equal(new DatasetStats(96, 48), run.Dataset);
        Assert.Equal(4 * 3 + 3, run.Config.Number("model.parameters"));
        Assert.Equal(0.5, run.Config.Number("learning_rate"));
        Assert.Equal("<redacted>", run.Config.Get("hub_token")!.Value.Text);
        Assert.Equal(30, run.Trainer.GlobalStep);
        Assert.Equal(30, run.Trainer.MaxSteps);
        Assert.Equal(1.5, run.Summary["train_runtime"]);

        var saved = child.Tagged("SAVED");
        Assert.Equal(saved.Select(s => new Checkpoint(s.GetProperty("step").GetInt64(), s.GetProperty("path").GetString())), run.Checkpoints);
        var best = evals.MinBy(e => e.GetProperty("eval_loss").GetDouble());
        Assert.Equal(best.GetProperty("eval_loss").GetDouble(), run.Trainer.BestMetric);
        Assert.Equal(Path.Combine(folder, "checkpoint-" + best.GetProperty("step").GetInt64()), run.Trainer.BestCheckpoint);
        Assert.Equal(MetricNames.ValLoss, run.Trainer.BestMetricKey);
        Assert.False(run.Trainer.GreaterIsBetter);
        Assert.DoesNotContain(run.Events, e => e.Kind is RunEventKind.Error or RunEventKind.Warning or RunEventKind.ImportDamage);
    }

    [TorchFact]
    public async Task Callback_obeys_reduce_lr_then_stop_from_control_json_and_ignores_actions_older_than_the_run()
    {
        using var tmp = new TempDir();
        var folder = Path.Combine(tmp.Path, "out");
        Directory.CreateDirectory(folder);
        var control = Path.Combine(folder, ControlDocument.FileName);
        var stale = ControlDocument.Empty("tiny").With(new ControlAction("old1", ControlVerb.Stop, "left from an earlier run", DateTimeOffset.UtcNow.AddDays(-1)));
        stale.WriteTo(control);
        var reduce = stale.With(new ControlAction("a1", ControlVerb.ReduceLr, "loss plateaued", DateTimeOffset.UtcNow, "RL0104", Factor: 0.5));
        var stop = reduce.With(new ControlAction("a2", ControlVerb.Stop, "past the best checkpoint", DateTimeOffset.UtcNow, "RL0102"));

        var child = await RunAsync([Loop, folder, "--steps", "60", "--barrier", "10,20"], (line, go) =>
        {
            if (line == "BARRIER 10")
            {
                reduce.WriteTo(control);
                go(10);
            }
            else if (line == "BARRIER 20")
            {
                stop.WriteTo(control);
                go(20);
            }
        });
        Assert.True(child.ExitCode == 0, child.StdErr);

        var run = Assert.Single((await ImporterCatalog.ImportAsync(folder)).Runs);
        var lr = run.Get(MetricNames.LearningRate)!;
        Assert.Equal([5L, 10, 15, 20], lr.Steps()); // stopped at step 20 of 60
        foreach (var p in lr.Points)
        {
            // LambdaLR: 0.5 × (1 − step/60), halved from step 10 on (the scheduler's base rates were scaled too)
            var expected = 0.5 * (1 - p.Step / 60.0) * (p.Step >= 10 ? 0.5 : 1);
            Assert.Equal(expected, p.Value, 1e-12);
        }

        Assert.Equal(20, run.Trainer.GlobalStep);
        Assert.True(run.Trainer.ShouldTrainingStop);
        Assert.Equal(RunStatus.Finished, run.Status);
        var notes = run.Events.Where(e => e.Kind == RunEventKind.Note).ToList();
        Assert.Contains(notes, n => n.Message.Contains("old1", StringComparison.Ordinal) && n.Message.Contains("not applied", StringComparison.Ordinal));
        var reduced = Assert.Single(notes, n => n.Message.StartsWith("control a1: reduce_lr", StringComparison.Ordinal));
        Assert.Equal(10, reduced.Step);
        Assert.Contains("loss plateaued", reduced.Message, StringComparison.Ordinal);
        var stopped = Assert.Single(notes, n => n.Message.StartsWith("control a2: stop", StringComparison.Ordinal));
        Assert.Equal(20, stopped.Step);
        Assert.Contains("past the best checkpoint", stopped.Message, StringComparison.Ordinal);
    }

    [TorchFact]
    public async Task Callback_rollback_loads_the_named_or_best_checkpoint_weights_into_the_model()
    {
        using var tmp = new TempDir();
        var folder = Path.Combine(tmp.Path, "out");
        Directory.CreateDirectory(folder);
        var control = Path.Combine(folder, ControlDocument.FileName);
        var named = ControlDocument.Empty("tiny").With(new ControlAction("r1", ControlVerb.Rollback, "try the early weights", DateTimeOffset.UtcNow,
            Checkpoint: Path.Combine(folder, "checkpoint-10")));
        var best = named.With(new ControlAction("r2", ControlVerb.Rollback, "back to the best", DateTimeOffset.UtcNow));

        var child = await RunAsync([Loop, folder, "--steps", "30", "--barrier", "15,25"], (line, go) =>
        {
            if (line == "BARRIER 15")
            {
                named.WriteTo(control);
                go(15);
            }
            else if (line == "BARRIER 25")
            {
                best.WriteTo(control);
                go(25);
            }
        });
        Assert.True(child.ExitCode == 0, child.StdErr);

        var saved = child.Tagged("SAVED").ToDictionary(s => s.GetProperty("step").GetInt64(), s => Weights(s));
        var after = child.Tagged("PARAMS").ToDictionary(s => s.GetProperty("step").GetInt64(), s => Weights(s));
        Assert.Equal(saved[10], after[15]);

        var evals = child.Tagged("EVAL").Where(e => e.GetProperty("step").GetInt64() <= 25).ToList();
        var bestStep = evals.MinBy(e => e.GetProperty("eval_loss").GetDouble()).GetProperty("step").GetInt64();
        Assert.Equal(saved[bestStep], after[25]);

        var run = Assert.Single((await ImporterCatalog.ImportAsync(folder)).Runs);
        var r1 = Assert.Single(run.Events, e => e.Message.StartsWith("control r1: rollback", StringComparison.Ordinal));
        Assert.Contains("loaded the weights of " + Path.Combine(folder, "checkpoint-10", "pytorch_model.bin"), r1.Message, StringComparison.Ordinal);
        var r2 = Assert.Single(run.Events, e => e.Message.StartsWith("control r2: rollback", StringComparison.Ordinal));
        Assert.Contains("loaded the weights of " + Path.Combine(folder, "checkpoint-" + bestStep, "pytorch_model.bin"), r2.Message, StringComparison.Ordinal);
        Assert.Equal(25, r2.Step);
    }

    [TorchFact]
    public async Task Callback_records_an_exception_in_training_as_an_error_with_its_last_frame_and_a_failed_status()
    {
        using var tmp = new TempDir();
        var folder = Path.Combine(tmp.Path, "out");
        var child = await RunAsync([Loop, folder, "--steps", "30", "--fail-at", "7"]);
        Assert.NotEqual(0, child.ExitCode);
        Assert.Contains("RuntimeError: synthetic failure at step 7", child.StdErr, StringComparison.Ordinal); // re-raised

        var run = Assert.Single((await ImporterCatalog.ImportAsync(folder)).Runs);
        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.NotNull(run.Identity.Time.End);
        var error = Assert.Single(run.Events, e => e.Kind == RunEventKind.Error);
        Assert.StartsWith("RuntimeError: synthetic failure at step 7 (at ", error.Message, StringComparison.Ordinal);
        Assert.Contains("train_loop.py:", error.Message, StringComparison.Ordinal);
        Assert.EndsWith(" in training_step)", error.Message, StringComparison.Ordinal);
        Assert.Equal(6, error.Step);
        Assert.Equal([5L], run.Get(MetricNames.TrainLoss)!.Steps());
    }

    [PythonFact]
    public async Task Callback_imports_without_torch_or_transformers_and_survives_a_server_that_is_down()
    {
        using var tmp = new TempDir();
        var script = """
            import sys, types
            sys.modules["torch"] = None          # importing them now fails, as on a machine without them
            sys.modules["transformers"] = None
            sys.path.insert(0, sys.argv[1])
            import runlens_callback as r
            assert r.RunlensCallback.__mro__[1] is object, r.RunlensCallback.__mro__
            args = types.SimpleNamespace(output_dir=sys.argv[2], learning_rate=0.1, run_name="plain")
            state = types.SimpleNamespace(global_step=0, epoch=0.0, is_world_process_zero=True, best_model_checkpoint=None, best_metric=None)
            control = types.SimpleNamespace(should_training_stop=False)
            cb = r.RunlensCallback(server="http://127.0.0.1:9", server_timeout=1)
            cb.on_train_begin(args, state, control)
            for step, loss in [(1, 2.0), (2, float("nan")), (3, float("inf"))]:
                state.global_step = step
                cb.on_log(args, state, control, logs={"loss": loss, "learning_rate": 0.1, "note": "text"})
            cb.on_train_end(args, state, control)
            print("ok")
            """;
        var folder = Path.Combine(tmp.Path, "out");
        var python = File.Exists(TorchFactAttribute.Python) ? TorchFactAttribute.Python : "python3";
        var child = await RunAsync(["-I", "-c", script, ClientFolder, folder], python: python);
        Assert.True(child.ExitCode == 0, child.StdErr);
        Assert.Equal(["ok"], child.Lines);

        var text = await File.ReadAllTextAsync(Path.Combine(folder, "runlens.jsonl"));
        Assert.Contains("\"loss\":\"NaN\"", text, StringComparison.Ordinal);
        Assert.Contains("\"loss\":\"Infinity\"", text, StringComparison.Ordinal);

        var run = Assert.Single((await ImporterCatalog.ImportAsync(folder)).Runs);
        var loss = run.Get(MetricNames.TrainLoss)!.Values();
        Assert.Equal(2.0, loss[0]);
        Assert.True(double.IsNaN(loss[1]));
        Assert.Equal(double.PositiveInfinity, loss[2]);
        Assert.False(run.Series.ContainsKey("train/note"));
        Assert.Equal(RunStatus.Finished, run.Status);
        var warning = Assert.Single(run.Events, e => e.Kind == RunEventKind.Warning);
        Assert.Contains("Runlens server http://127.0.0.1:9", warning.Message, StringComparison.Ordinal);
    }

    [TorchFact]
    public async Task Callback_sends_the_run_to_a_real_server_through_the_native_api()
    {
        await using var server = await TestServer.StartAsync();
        using var tmp = new TempDir();
        var folder = Path.Combine(tmp.Path, "out");
        var child = await RunAsync([Loop, folder, "--steps", "30"], env: new() { ["RUNLENS_SERVER"] = server.Address.ToString().TrimEnd('/') });
        Assert.True(child.ExitCode == 0, child.StdErr);

        var runs = await TestServer.JsonAsync(await server.Http.GetAsync("/api/runs"));
        var record = Assert.Single(runs.GetProperty("runs").EnumerateArray());
        Assert.Equal("tiny-linear", record.GetProperty("name").GetString());
        Assert.Equal("finished", record.GetProperty("status").GetString());
        Assert.Equal("0.5", record.GetProperty("config").GetProperty("learning_rate").GetString());
        Assert.Equal("15", record.GetProperty("config").GetProperty("model.parameters").GetString());
        var id = record.GetProperty("id").GetString();

        var logs = child.Tagged("LOG");
        var loss = await TestServer.JsonAsync(await server.Http.GetAsync($"/api/runs/{id}/series/train/loss"));
        Assert.Equal(logs.Select(l => l.GetProperty("step").GetInt64()), loss.GetProperty("steps").EnumerateArray().Select(s => s.GetInt64()));
        Assert.Equal(logs.Select(l => l.GetProperty("loss").GetDouble()), loss.GetProperty("values").EnumerateArray().Select(s => s.GetDouble()));
        var f1 = await TestServer.JsonAsync(await server.Http.GetAsync($"/api/runs/{id}/series/val/f1_bird"));
        Assert.Equal(child.Tagged("EVAL").Select(e => e.GetProperty("eval_f1_bird").GetDouble()), f1.GetProperty("values").EnumerateArray().Select(s => s.GetDouble()));

        // the file is written as well, and says where the run went
        var run = Assert.Single((await ImporterCatalog.ImportAsync(folder)).Runs);
        Assert.Contains(run.Events, e => e.Message.Contains("as run " + id, StringComparison.Ordinal));
        Assert.DoesNotContain(run.Events, e => e.Kind == RunEventKind.Warning);
    }

    private static double[] Weights(JsonElement e) => [.. e.GetProperty("weight").EnumerateArray().Select(w => w.GetDouble())];

    private sealed record Child(int ExitCode, List<string> Lines, string StdErr)
    {
        /// <summary>The JSON of every stdout line that starts with <paramref name="tag"/>.</summary>
        public List<JsonElement> Tagged(string tag) =>
            [.. Lines.Where(l => l.StartsWith(tag + " ", StringComparison.Ordinal)).Select(l => JsonDocument.Parse(l[(tag.Length + 1)..]).RootElement.Clone())];
    }

    /// <summary>Runs python with <paramref name="args"/>; <paramref name="onLine"/> sees each stdout line as it comes and may
    /// let a loop waiting at a barrier step go on (by creating OUT/go-STEP).</summary>
    private static async Task<Child> RunAsync(string[] args, Action<string, Action<int>>? onLine = null, Dictionary<string, string>? env = null,
        string python = TorchFactAttribute.Python)
    {
        var psi = new ProcessStartInfo(python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["PYTHONPATH"] = ClientFolder;
        psi.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        psi.Environment.Remove("RUNLENS_RUN_DIR");
        psi.Environment.Remove("RUNLENS_SERVER");
        psi.Environment.Remove("RUNLENS_CONTROL");
        foreach (var (k, v) in env ?? [])
        {
            psi.Environment[k] = v;
        }

        var lines = new List<string>();
        Exception? failure = null;
        var outFolder = args.Length > 1 ? args[1] : "";
        using var p = new Process { StartInfo = psi };
        p.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (lines)
            {
                lines.Add(e.Data);
            }

            try
            {
                onLine?.Invoke(e.Data, step => File.WriteAllText(Path.Combine(outFolder, $"go-{step}"), ""));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                failure ??= ex;
            }
        };
        p.Start();
        p.BeginOutputReadLine();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw new Xunit.Sdk.XunitException("the python child did not finish within 60 s: " + string.Join("\n", lines));
        }

        p.WaitForExit(); // drains the redirected output
        if (failure is not null)
        {
            throw new Xunit.Sdk.XunitException("the test's line handler failed: " + failure);
        }

        return new Child(p.ExitCode, lines, await stderr);
    }
}

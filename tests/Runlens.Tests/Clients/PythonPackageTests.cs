using System.Text.Json;
using Runlens.Import;
using Runlens.Model;
using Runlens.Tests.Support;

namespace Runlens.Tests.Clients;

/// <summary>
/// The Python package (clients/python) as a user gets it: installed by a real pip into a virtual environment made with
/// Debian's python3-venv (<see cref="PythonVenv"/>), then driving real torch training: a hand-written loop with
/// <c>TrainingMonitor</c>, and the Lightning and Keras callbacks under faithful minimal stand-ins of those frameworks'
/// callback APIs (tests/fixtures/clients/standins: neither framework is installable here). What each loop logged must be
/// what Runlens imports from the file it wrote; control actions written by the test act in the loop.
/// </summary>
public sealed class PythonPackageTests : IClassFixture<PythonVenvCleanup>
{
    private static string Loop(string name) => Fixtures.Test(Path.Combine("clients", name));

    private static long[] Steps(JsonElement[] lines) => [.. lines.Select(l => l.GetProperty("step").GetInt64())];

    [TorchFact]
    public async Task Pip_installs_the_package_and_its_core_imports_and_records_with_the_standard_library_only()
    {
        var venv = await PythonVenv.GetAsync();
        using var tmp = new TempDir();
        var folder = Path.Combine(tmp.Path, "out");
        var script = """
            import sys
            for name in ("torch", "transformers", "lightning", "pytorch_lightning", "keras", "tensorflow", "numpy"):
                sys.modules[name] = None            # importing them now fails, as where they are not installed
            import runlens, runlens_callback
            assert "site-packages" in runlens.__file__, runlens.__file__
            assert "site-packages" in runlens_callback.__file__, runlens_callback.__file__
            assert runlens.RunlensCallback is runlens_callback.RunlensCallback
            try:
                runlens.RunlensLightningCallback
                raise SystemExit("the Lightning callback imported without Lightning")
            except ImportError as e:
                print("LIGHTNING", e)
            try:
                from runlens.keras import RunlensKerasCallback
                raise SystemExit("the Keras callback imported without Keras")
            except ImportError as e:
                print("KERAS", e)
            m = runlens.TrainingMonitor(dir=sys.argv[1], run_name="plain", config={"lr": 0.5}, alert_thresholds={"val/f1": 0.8}, verbose=False)
            for step, loss in [(1, 2.0), (2, 1.5), (3, float("nan")), (4, 1.0)]:
                report = m.log_step(step, {"loss": loss})
            report = m.log_step(4, {"val/f1": 0.75})
            print("REPORT", len(report.anomalies), report.anomalies[0].kind, len(report.all_anomalies), bool(report))
            m.finish()
            """;
        var child = await venv.RunAsync(["-c", script, folder]);
        Assert.True(child.ExitCode == 0, child.StdErr + venv.InstallLog);
        Assert.Contains("LIGHTNING runlens.lightning needs PyTorch Lightning: pip install lightning (runlens itself imports without it)", child.Lines);
        Assert.Contains("KERAS runlens.keras needs Keras: pip install keras (runlens itself imports without it)", child.Lines);
        Assert.Contains("REPORT 1 threshold 2 True", child.Lines);

        var run = Assert.Single((await ImporterCatalog.ImportAsync(folder)).Runs);
        Assert.Equal(("plain", "runlens-callback", RunStatus.Finished), (run.Identity.Name, run.Identity.Source.Format, run.Status));
        var loss = run.Get(MetricNames.TrainLoss)!;
        Assert.Equal([1L, 2, 3, 4], loss.Steps());
        Assert.True(double.IsNaN(loss.Values()[2]));
        Assert.Equal(0.75, Assert.Single(run.Get("val/f1")!.Values()));
        Assert.Equal(0.5, run.Config.Number("lr"));
        var warnings = run.Events.Where(e => e.Kind == RunEventKind.Warning).Select(e => (e.Step, e.Message)).ToList();
        Assert.Equal(2, warnings.Count);
        Assert.StartsWith("loss is NaN at step 3", warnings[0].Message, StringComparison.Ordinal);
        Assert.Equal((4L, "val/f1 is 0.75 at step 4, below its alert threshold 0.8"), (warnings[1].Step!.Value, warnings[1].Message));
    }

    [TorchFact]
    public async Task Training_monitor_in_a_torch_loop_returns_anomalies_and_applies_reduce_lr_rollback_and_stop_in_the_same_step()
    {
        var venv = await PythonVenv.GetAsync();
        using var tmp = new TempDir();
        var folder = Path.Combine(tmp.Path, "out");
        Directory.CreateDirectory(folder);
        var control = Path.Combine(folder, ControlDocument.FileName);
        var reduce = ControlDocument.Empty("monitor-loop").With(new ControlAction("a1", ControlVerb.ReduceLr, "loss plateaued", DateTimeOffset.UtcNow, "RL0104", Factor: 0.5));
        var rollback = reduce.With(new ControlAction("a2", ControlVerb.Rollback, "past the best checkpoint", DateTimeOffset.UtcNow, "RL0102"));
        var stop = rollback.With(new ControlAction("a3", ControlVerb.Stop, "diverging", DateTimeOffset.UtcNow, "RL0107"));
        var child = await venv.RunAsync([Loop("monitor_loop.py"), folder, "--steps", "60", "--nan-at", "7", "--barrier", "15,25,35"], (line, go) =>
        {
            var next = line switch { "BARRIER 15" => reduce, "BARRIER 25" => rollback, "BARRIER 35" => stop, _ => null };
            if (next is not null)
            {
                next.WriteTo(control);
                go(int.Parse(line[8..], System.Globalization.CultureInfo.InvariantCulture));
            }
        }, folder);
        Assert.True(child.ExitCode == 0, child.StdErr);

        // each action came back from log_step at the step the test wrote it, and the loop acted at once
        var reports = child.Tagged("REPORT");
        var acted = reports.Where(r => r.GetProperty("actions").GetArrayLength() > 0)
            .Select(r => (r.GetProperty("step").GetInt64(), r.GetProperty("actions")[0].GetProperty("id").GetString(), r.GetProperty("should_stop").GetBoolean())).ToList();
        Assert.Equal([(15L, "a1", false), (25L, "a2", false), (35L, "a3", true)], acted);
        var lr = child.Tagged("LR");
        Assert.Equal(0.1, lr[0].GetProperty("lr").GetDouble(), 12); // 0.2 halved
        // the rollback loaded the best checkpoint (step 10's weights, saved by the loop) into the model
        var best = Path.Combine(folder, "step-10.pt");
        Assert.True(File.Exists(best));
        var weightsAfterRollback = lr[1].GetProperty("weight").EnumerateArray().Select(w => w.GetDouble()).ToArray();
        var end = child.Tagged("END").Single();
        Assert.Equal(["a1", "a2", "a3"], end.GetProperty("actions").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(35, child.Tagged("LOG").Last().GetProperty("step").GetInt32()); // stopped at step 35 of 60

        // the NaN at step 7 and the validation accuracy below 0.95 are anomalies of their steps
        var anomalies = reports.SelectMany(r => r.GetProperty("anomalies").EnumerateArray()).ToList();
        var nan = Assert.Single(anomalies, a => a.GetProperty("kind").GetString() == "non_finite");
        Assert.Equal((7, "loss"), (nan.GetProperty("step").GetInt32(), nan.GetProperty("metric").GetString()));
        var evals = child.Tagged("EVAL");
        var low = evals.Where(e => e.GetProperty("val/accuracy").GetDouble() < 0.95).Select(e => e.GetProperty("step").GetInt64()).ToList();
        Assert.Equal(low, anomalies.Where(a => a.GetProperty("kind").GetString() == "threshold").Select(a => a.GetProperty("step").GetInt64()));

        var run = Assert.Single((await ImporterCatalog.ImportAsync(folder)).Runs);
        var logs = child.Tagged("LOG").ToArray();
        Assert.Equal(Steps(logs), run.Get(MetricNames.TrainLoss)!.Steps());
        var loss = run.Get(MetricNames.TrainLoss)!.Values();
        for (var i = 0; i < logs.Length; i++)
        {
            var expected = logs[i].GetProperty("loss");
            Assert.True(expected.ValueKind == JsonValueKind.String ? double.IsNaN(loss[i]) : expected.GetDouble() == loss[i], $"step {i + 1}");
        }

        Assert.Equal(evals.Select(e => e.GetProperty("val/accuracy").GetDouble()), run.Get("val/accuracy")!.Values());
        Assert.Equal(new DatasetStats(96, 48), run.Dataset);
        Assert.Equal("<redacted>", run.Config.Get("api_key")!.Value.Text);
        Assert.Contains(run.Events, e => e.Message.StartsWith("control a2: rollback at step 25: loaded the weights of", StringComparison.Ordinal));
        Assert.Equal(RunStatus.Finished, run.Status);
        Assert.True(run.Trainer.ShouldTrainingStop);

        // the weights after the rollback are step 10's: read the checkpoint back with torch
        var check = await venv.RunAsync(["-c", "import sys, torch, json; print(json.dumps(torch.load(sys.argv[1])['weight'].flatten().tolist()))", best]);
        Assert.True(check.ExitCode == 0, check.StdErr);
        Assert.Equal(JsonSerializer.Deserialize<double[]>(check.Lines.Single()), weightsAfterRollback);
    }

    [TorchFact]
    public async Task Training_monitor_posts_to_runlens_serve_and_obeys_the_servers_control_document()
    {
        var (child, runId) = await ServerModeAsync("monitor_loop.py", "monitor-loop", "LOG", l => l.GetProperty("loss").GetDouble(), barrier: 12, "--steps", "40");
        Assert.Equal(runId, child.Tagged("END").Single().GetProperty("run_id").GetString());
        Assert.Equal(12, child.Tagged("LOG").Last().GetProperty("step").GetInt32()); // the stop is read in the step's own log_step
    }

    [TorchFact]
    public async Task Lightning_callback_posts_to_runlens_serve_and_stops_on_the_servers_control_document() =>
        _ = await ServerModeAsync("lightning_loop.py", "lightning-loop", "LOG", l => l.GetProperty("loss").GetDouble(), barrier: 8);

    [TorchFact]
    public async Task Keras_callback_posts_to_runlens_serve_and_stops_on_the_servers_control_document() =>
        _ = await ServerModeAsync("keras_loop.py", "keras-loop", "BATCH", b => b.GetProperty("logs").GetProperty("loss").GetDouble(), barrier: 5);

    /// <summary>Server mode of an integration: the run appears on a real <c>runlens serve</c> while it trains, a
    /// <c>stop</c> posted to the server's control document at <paramref name="barrier"/> ends training at the next step the
    /// integration logs, and the training loss the server holds is what the loop saw.</summary>
    private static async Task<(PythonVenv.Child Child, string RunId)> ServerModeAsync(string loop, string runName, string tag, Func<JsonElement, double> lossOf, int barrier, params string[] extra)
    {
        var venv = await PythonVenv.GetAsync();
        await using var server = await TestServer.StartAsync();
        using var tmp = new TempDir();
        var folder = Path.Combine(tmp.Path, "out");
        Directory.CreateDirectory(folder);
        string? runId = null;
        var child = await venv.RunAsync([Loop(loop), folder, .. extra, "--barrier", barrier.ToString(System.Globalization.CultureInfo.InvariantCulture), "--server", server.Address.ToString().TrimEnd('/')], (line, go) =>
        {
            if (line == $"BARRIER {barrier}")
            {
                var runs = TestServer.JsonAsync(server.Http.GetAsync("/api/runs").GetAwaiter().GetResult()).GetAwaiter().GetResult();
                runId = runs.GetProperty("runs")[0].GetProperty("id").GetString();
                using var posted = server.PostAsync($"/api/runs/{runId}/control", """{"action": "stop", "reason": "enough"}""").GetAwaiter().GetResult();
                Assert.True(posted.IsSuccessStatusCode, posted.Content.ReadAsStringAsync().GetAwaiter().GetResult());
                go(barrier);
            }
        }, folder);
        Assert.True(child.ExitCode == 0, child.StdErr);
        Assert.NotNull(runId);

        var logs = child.Tagged(tag).ToArray();
        Assert.InRange(logs.Last().GetProperty("step").GetInt32(), barrier, barrier + 4); // stopped within a logging interval, long before the end
        var record = (await TestServer.JsonAsync(await server.Http.GetAsync("/api/runs"))).GetProperty("runs")[0];
        Assert.Equal((runId, runName, "finished"), (record.GetProperty("id").GetString(), record.GetProperty("name").GetString(), record.GetProperty("status").GetString()));
        var loss = await TestServer.JsonAsync(await server.Http.GetAsync($"/api/runs/{runId}/series/train/loss"));
        Assert.Equal(Steps(logs), loss.GetProperty("steps").EnumerateArray().Select(s => s.GetInt64()));
        Assert.Equal(logs.Select(lossOf), loss.GetProperty("values").EnumerateArray().Select(s => s.GetDouble()));
        return (child, runId);
    }

    [TorchFact]
    public async Task Lightning_callback_records_what_the_module_logs_and_obeys_reduce_lr_and_stop()
    {
        var venv = await PythonVenv.GetAsync();
        using var tmp = new TempDir();
        var folder = Path.Combine(tmp.Path, "out");
        Directory.CreateDirectory(folder);
        var control = Path.Combine(folder, ControlDocument.FileName);
        var reduce = ControlDocument.Empty("lightning-loop").With(new ControlAction("l1", ControlVerb.ReduceLr, "plateau", DateTimeOffset.UtcNow, Factor: 0.5));
        var stop = reduce.With(new ControlAction("l2", ControlVerb.Stop, "past the best checkpoint", DateTimeOffset.UtcNow));
        var child = await venv.RunAsync([Loop("lightning_loop.py"), folder, "--epochs", "5", "--barrier", "8,28"], (line, go) =>
        {
            if (line is "BARRIER 8" or "BARRIER 28")
            {
                (line == "BARRIER 8" ? reduce : stop).WriteTo(control);
                go(line == "BARRIER 8" ? 8 : 28);
            }
        }, folder);
        Assert.True(child.ExitCode == 0, child.StdErr);

        var logs = child.Tagged("LOG").ToArray();
        // 12 batches an epoch: stopped in epoch 3 at step 29 (the action is read at the next batch's end), validation ran
        // after epochs 1 and 2 and after the stopped epoch
        var end = child.Tagged("END").Single();
        Assert.Equal(29, end.GetProperty("step").GetInt32());
        Assert.Equal(0.05, end.GetProperty("lr").GetDouble(), 12);
        Assert.Equal([0.1, 0.1, 0.05], logs.Where(l => l.GetProperty("step").GetInt32() is 4 or 8 or 12).Select(l => l.GetProperty("lr").GetDouble()));

        var run = Assert.Single((await ImporterCatalog.ImportAsync(Path.Combine(folder, "runlens.jsonl"))).Runs);
        Assert.Equal(("lightning-loop", RunStatus.Finished), (run.Identity.Name, run.Status));
        Assert.Equal(Steps(logs), run.Get(MetricNames.TrainLoss)!.Steps());
        Assert.Equal(logs.Select(l => l.GetProperty("loss").GetDouble()), run.Get(MetricNames.TrainLoss)!.Values());
        Assert.Equal(logs.Select(l => l.GetProperty("lr").GetDouble()), run.Get(MetricNames.LearningRate)!.Values());
        var evals = child.Tagged("EVAL").ToArray();
        Assert.Equal(Steps(evals), run.Get(MetricNames.ValLoss)!.Steps());
        Assert.Equal(evals.Select(e => e.GetProperty("val_loss").GetDouble()), run.Get(MetricNames.ValLoss)!.Values());
        Assert.Equal(evals.Select(e => e.GetProperty("val_acc").GetDouble()), run.Get("val/accuracy")!.Values());
        Assert.Equal(child.Tagged("SAVED").Select(s => s.GetProperty("step").GetInt64()), run.Checkpoints.Select(c => c.Step));
        Assert.Equal(new DatasetStats(96, 48), run.Dataset);
        Assert.Equal((0.1, 8.0), (run.Config.Number("lr"), run.Config.Number("hidden")));
        Assert.Equal(8 * 4 + 8 + 3 * 8 + 3, run.Config.Number("model.parameters"));
        Assert.True(run.Trainer.ShouldTrainingStop);
        Assert.Equal(child.Tagged("SAVED").Last().GetProperty("best").GetString(), run.Trainer.BestCheckpoint);
    }

    [TorchFact]
    public async Task Lightning_callback_records_an_exception_in_training_as_a_failed_run()
    {
        var venv = await PythonVenv.GetAsync();
        using var tmp = new TempDir();
        var folder = Path.Combine(tmp.Path, "out");
        var child = await venv.RunAsync([Loop("lightning_loop.py"), folder, "--fail-at", "10"]);
        Assert.NotEqual(0, child.ExitCode);
        Assert.Contains("CUDA error: an illegal memory access", child.StdErr, StringComparison.Ordinal);
        var run = Assert.Single((await ImporterCatalog.ImportAsync(Path.Combine(folder, "runlens.jsonl"))).Runs);
        Assert.Equal(RunStatus.Failed, run.Status);
        var error = Assert.Single(run.Events, e => e.Kind == RunEventKind.Error);
        Assert.StartsWith("RuntimeError: CUDA error: an illegal memory access was encountered (at ", error.Message, StringComparison.Ordinal);
        Assert.Contains("lightning_loop.py", error.Message, StringComparison.Ordinal);
    }

    [TorchFact]
    public async Task Keras_callback_records_batch_and_epoch_logs_and_obeys_reduce_lr_rollback_and_stop()
    {
        var venv = await PythonVenv.GetAsync();
        using var tmp = new TempDir();
        var folder = Path.Combine(tmp.Path, "out");
        Directory.CreateDirectory(folder);
        var control = Path.Combine(folder, ControlDocument.FileName);
        var initial = Path.Combine(folder, "initial.weights.pt");
        var reduce = ControlDocument.Empty("keras-loop").With(new ControlAction("k1", ControlVerb.ReduceLr, "plateau", DateTimeOffset.UtcNow, Factor: 0.5));
        var rollback = reduce.With(new ControlAction("k2", ControlVerb.Rollback, "diverged", DateTimeOffset.UtcNow, Checkpoint: initial));
        var stop = rollback.With(new ControlAction("k3", ControlVerb.Stop, "enough", DateTimeOffset.UtcNow));
        var child = await venv.RunAsync([Loop("keras_loop.py"), folder, "--epochs", "4", "--barrier", "5,17,20"], (line, go) =>
        {
            var next = line switch { "BARRIER 5" => reduce, "BARRIER 17" => rollback, "BARRIER 20" => stop, _ => null };
            if (next is not null)
            {
                next.WriteTo(control);
                go(int.Parse(line[8..], System.Globalization.CultureInfo.InvariantCulture));
            }
        }, folder);
        Assert.True(child.ExitCode == 0, child.StdErr);

        // 12 batches an epoch; each action is read at the next logged batch's end (every 3rd): reduce_lr at step 6,
        // rollback at 18, and the stop at 21 ends fit in its second epoch
        var end = child.Tagged("END").Single();
        Assert.Equal((0.05, 2), (end.GetProperty("lr").GetDouble(), end.GetProperty("epochs").GetInt32()));
        var batches = child.Tagged("BATCH").ToArray();
        Assert.Equal(21, batches.Last().GetProperty("step").GetInt32());
        var run = Assert.Single((await ImporterCatalog.ImportAsync(Path.Combine(folder, "runlens.jsonl"))).Runs);
        Assert.Equal(("keras-loop", RunStatus.Finished), (run.Identity.Name, run.Status));
        var loss = run.Get(MetricNames.TrainLoss)!;
        Assert.Equal(Steps(batches), loss.Steps());
        Assert.Equal(batches.Select(b => b.GetProperty("logs").GetProperty("loss").GetDouble()), loss.Values());
        Assert.Equal(batches.Select(b => b.GetProperty("lr").GetDouble()), run.Get(MetricNames.LearningRate)!.Values().Take(batches.Length));
        var epochs = child.Tagged("EPOCH").ToArray();
        Assert.Equal(Steps(epochs), run.Get(MetricNames.ValLoss)!.Steps());
        Assert.Equal(epochs.Select(e => e.GetProperty("logs").GetProperty("val_loss").GetDouble()), run.Get(MetricNames.ValLoss)!.Values());
        Assert.Equal(epochs.Select(e => e.GetProperty("logs").GetProperty("val_accuracy").GetDouble()), run.Get("val/accuracy")!.Values());
        Assert.Equal((4.0, 12.0, 67.0), (run.Config.Number("epochs"), run.Config.Number("steps_per_epoch"), run.Config.Number("model.parameters")));
        Assert.Contains(run.Events, e => e.Message.StartsWith($"control k2: rollback at step 18: loaded the weights of {initial}", StringComparison.Ordinal));
        Assert.Contains(run.Events, e => e.Message.StartsWith("control k1: reduce_lr by 0.5 at step 6 (learning rate now 0.05)", StringComparison.Ordinal));
    }
}

using System.Diagnostics;
using System.Text;
using Runlens.Analysis.Comparison;
using Runlens.Analysis.Diagnoses;
using Runlens.Analysis.Signals.ChangePoints;
using Runlens.Analysis.Sweeps;
using Runlens.Import;
using Runlens.Live.Alerts;
using Runlens.Model;
using Runlens.Reports;
using Runlens.Reports.ChangePoints;
using Runlens.Reports.Impact;
using Runlens.Tests.Reports;
using Runlens.Tests.Support;

namespace Runlens.Tests.Contracts;

/// <summary>
/// Every JSON contract that agents and scripts read, produced from real example runs (examples/, tests/fixtures/) and
/// compared with its approved file in tests/Runlens.Tests/Reports/Approved. Normalised, and nothing else: a run's source
/// path and id (they depend on where the checkout is) become <c>examples/NAME</c>, the repository root becomes
/// <c>&lt;repo&gt;</c>, a temporary folder <c>&lt;tmp&gt;</c>, and wall-clock times are fixed inputs or replaced by
/// <c>&lt;time&gt;</c>.
/// </summary>
public sealed class ContractSnapshotTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("hf-trainer-multi-eval-overfit")]
    [InlineData("keras-csvlogger-brats-unet-lr-plateau")]
    public async Task The_diagnosis_of_an_example_matches_its_approved_json(string example)
    {
        var diagnosis = new Diagnoser().Diagnose(await ExampleAsync(example));
        ApprovedFile.Verify($"diagnosis.{example}.json", Render("json", diagnosis));
    }

    [Fact]
    public async Task The_diagnoses_of_two_examples_match_their_approved_json()
    {
        var diagnoser = new Diagnoser();
        var a = diagnoser.Diagnose(await ExampleAsync("lightning-csv-mnist-cnn"));
        var b = diagnoser.Diagnose(await ExampleAsync("tensorboard-lightning-mnist-cnn-fit-validate-test"));
        ApprovedFile.Verify("diagnoses.mnist.json", Render("json", a, b));
    }

    [Fact]
    public async Task The_comparison_of_two_examples_matches_its_approved_json()
    {
        var runs = new[] { await ExampleAsync("lightning-csv-mnist-cnn"), await ExampleAsync("tensorboard-lightning-mnist-cnn-fit-validate-test") };
        var comparison = ExperimentComparison.Of(runs);
        using var ms = new MemoryStream();
        ComparisonRenderers.For("json").Render(comparison, ms);
        ApprovedFile.Verify("comparison.mnist.json", Encoding.UTF8.GetString(ms.ToArray()));
    }

    [Fact]
    public async Task The_impact_over_every_example_matches_its_approved_json()
    {
        var runs = new List<Run>();
        foreach (var example in Fixtures.RunExamples().Select(Path.GetFileName).Order(StringComparer.Ordinal))
        {
            runs.Add(await ExampleAsync(example!));
        }

        var analysis = ImpactAnalyzer.Analyze(runs, new ImpactOptions { Metric = "val/loss" });
        using var ms = new MemoryStream();
        ImpactRenderers.For("json").Render(analysis, ms);
        ApprovedFile.Verify("impact.examples.json", Encoding.UTF8.GetString(ms.ToArray()));
    }

    [Fact]
    public async Task The_change_points_of_an_example_match_their_approved_json()
    {
        var run = await ExampleAsync("hf-trainer-mt5-summarization-rouge");
        var points = run.Get(MetricNames.TrainLoss)!.Points.Where(p => double.IsFinite(p.Value)).ToList();
        var result = ChangePointSearch.Run(SignalMatrix.FromValues([.. points.Select(p => p.Value)]), "l2", null, 2, 1);
        var report = new ChangePointReport(result, run.Identity.Source.Path, MetricNames.TrainLoss, [.. points.Select(p => p.Step)],
            run.Get(MetricNames.TrainLoss)!.Count - points.Count);
        using var ms = new MemoryStream();
        report.WriteJson(ms);
        ApprovedFile.Verify("changepoints.hf-trainer-mt5-summarization-rouge.json", Encoding.UTF8.GetString(ms.ToArray()));
    }

    [Fact]
    public async Task The_evaluation_of_real_predictions_matches_its_approved_json()
    {
        var file = Fixtures.Test("predictions/window-detection/window_predictions_bz_pytorch.csv");
        var r = await RunlensProcess.RunAsync("evaluate", file, "--format", "json");
        Assert.True(r.ExitCode == 0, r.StdErr);
        ApprovedFile.Verify("evaluation.window-detection.json", r.StdOut.Replace(Fixtures.RepoRoot, "<repo>", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_evaluation_set_of_three_folds_of_real_predictions_matches_its_approved_json()
    {
        // The three thirds of the real predictions file stand in for three seeds of one configuration.
        using var tmp = new TempDir();
        var lines = await File.ReadAllLinesAsync(Fixtures.Test("predictions/window-detection/window_predictions_bz_pytorch.csv"));
        var rows = lines.Skip(1).ToArray();
        var files = new List<string>();
        for (var fold = 0; fold < 3; fold++)
        {
            var f = tmp.File($"seed{fold}.csv");
            await File.WriteAllLinesAsync(f, [lines[0], .. rows.Where((_, i) => i * 3 / rows.Length == fold)]);
            files.Add(f);
        }

        var r = await RunlensProcess.RunAsync(["evaluate", .. files, "--seeds", "--format", "json"]);
        Assert.True(r.ExitCode == 0, r.StdErr);
        ApprovedFile.Verify("evaluation-set.window-detection-folds.json", r.StdOut.Replace(tmp.Path, "<tmp>", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_alert_and_the_control_document_raised_on_an_example_match_their_approved_json()
    {
        var diagnosis = new Diagnoser().Diagnose(await ExampleAsync("hf-trainer-multi-eval-overfit"));
        var config = AlertConfigParser.Parse("""
            rules: [{rule: overfitting, min_severity: info}]
            actions: [{rule: overfitting, do: stop}]
            """, "alerts.yaml");
        var engine = new AlertEngine(config, []);
        var evaluation = await engine.EvaluateAsync(diagnosis, Now, Now, running: true, CancellationToken.None);
        var alert = Assert.Single(evaluation.Alerts);
        ApprovedFile.Verify("alert.hf-trainer-multi-eval-overfit.json", AlertPayloads.Json(alert) + "\n");
        Assert.Single(evaluation.Actions);
        ApprovedFile.Verify("control.hf-trainer-multi-eval-overfit.json", evaluation.Control.ToJson() + "\n");
    }

    [TorchFact]
    public async Task The_callback_file_of_a_scripted_training_matches_its_approved_jsonl()
    {
        using var tmp = new TempDir();
        var folder = Path.Combine(tmp.Path, "out");
        var psi = new ProcessStartInfo(TorchFactAttribute.Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Fixtures.Test("callback/train_loop.py"), folder, "--steps", "30" })
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["PYTHONPATH"] = Path.Combine(Fixtures.RepoRoot, "clients", "python");
        psi.Environment.Remove("RUNLENS_RUN_DIR");
        psi.Environment.Remove("RUNLENS_SERVER");
        psi.Environment.Remove("RUNLENS_CONTROL");
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await p.WaitForExitAsync(cts.Token);
        _ = await stdout;
        Assert.True(p.ExitCode == 0, await stderr);

        var text = await File.ReadAllTextAsync(Path.Combine(folder, "runlens.jsonl"));
        ApprovedFile.Verify("callback.train_loop.jsonl", CallbackNormalised(text, tmp.Path));
    }

    /// <summary>The callback's wall-clock fields (<c>time</c>, <c>started</c>, <c>ended</c>) become <c>&lt;time&gt;</c>; the
    /// temporary folder becomes <c>&lt;tmp&gt;</c>.</summary>
    private static string CallbackNormalised(string jsonl, string tmp)
    {
        var time = new System.Text.RegularExpressions.Regex("\"(time|started|ended|runtime_seconds)\": ?(\"[^\"]*\"|[0-9.eE+-]+)");
        return time.Replace(jsonl, m => $"\"{m.Groups[1].Value}\":\"<time>\"").Replace(tmp, "<tmp>", StringComparison.Ordinal);
    }

    /// <summary>An example run, its source path and id made independent of where the checkout is.</summary>
    private static async Task<Run> ExampleAsync(string example)
    {
        var run = (await ImporterCatalog.ImportAsync(Fixtures.Example(example))).Runs[0];
        return run with { Identity = run.Identity with { Id = "examples/" + example, Source = run.Identity.Source with { Path = "examples/" + example } } };
    }

    private static string Render(string format, params Diagnosis[] diagnoses)
    {
        using var ms = new MemoryStream();
        Renderers.For(format).Render(diagnoses, ms);
        return Encoding.UTF8.GetString(ms.ToArray());
    }
}

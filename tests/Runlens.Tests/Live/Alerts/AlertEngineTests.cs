using System.Text.Json.Nodes;
using Runlens.Analysis;
using Runlens.Analysis.Diagnoses;
using Runlens.Analysis.Findings;
using Runlens.Live.Alerts;
using Runlens.Live.Alerts.Detectors;
using Runlens.Live.Control;
using Runlens.Model;
using Runlens.Tests.Support;
using static Runlens.Tests.Live.Alerts.AlertTestData;

namespace Runlens.Tests.Live.Alerts;

/// <summary>The alert engine's decisions: thresholds, relative limits, z-scores, stalled runs, de-duplication and cool-down
/// (with the time passed in), and control actions. Expected values are worked out by hand or computed independently.</summary>
public sealed class AlertEngineTests
{
    private static Run Loss(params double[] values) => new RunBuilder().Series("train/loss", 10, values).Build();

    private static (AlertEngine Engine, RecordingAlertSink Sink) Engine(string yaml, ControlDocument? control = null)
    {
        var sink = new RecordingAlertSink();
        return (new AlertEngine(Config(yaml), [sink], control), sink);
    }

    private static Task<AlertEvaluation> Eval(AlertEngine engine, Run run, DateTimeOffset now, params Finding[] findings) =>
        engine.EvaluateAsync(Diag(run, findings), now, now, true, CancellationToken.None);

    // ---- absolute thresholds ----

    [Fact]
    public async Task An_absolute_threshold_alerts_on_the_first_new_crossing_and_again_only_after_the_cooldown()
    {
        var (engine, sink) = Engine("thresholds:\n  - metric: train/loss\n    above: 10\ncooldown_minutes: 30\n");

        // First sight: only the newest point is checked; the spike at step 20 is history.
        Assert.Empty((await Eval(engine, Loss(2, 50, 3), T0)).Alerts);

        // New points 4, 12, 15: the first crossing is 12 at step 50.
        var e = await Eval(engine, Loss(2, 50, 3, 4, 12, 15), T0.AddMinutes(1));
        var a = Assert.Single(e.Alerts);
        Assert.Equal(("threshold:train/loss:above", "threshold", Severity.Warning), (a.Key, a.Kind, a.Severity));
        Assert.Equal(("train/loss", 50L, 12.0), (a.Metric, a.Step, a.Value));
        Assert.Equal("train/loss is above 10", a.Title);
        Assert.Equal("train/loss = 12 at step 50, above the limit 10.", a.Message);
        Assert.Equal(("test-run", "test-run", T0.AddMinutes(1)), (a.RunId, a.RunName, a.Time));
        Assert.Null(a.RuleId);
        Assert.Same(a, Assert.Single(sink.Alerts));

        // Nothing new: nothing. A crossing 19 minutes later, within the cool-down: nothing.
        Assert.Empty((await Eval(engine, Loss(2, 50, 3, 4, 12, 15), T0.AddMinutes(2))).Alerts);
        Assert.Empty((await Eval(engine, Loss(2, 50, 3, 4, 12, 15, 11), T0.AddMinutes(20))).Alerts);

        // After the cool-down: a point under the limit does not alert, the next crossing does.
        Assert.Empty((await Eval(engine, Loss(2, 50, 3, 4, 12, 15, 11, 5), T0.AddMinutes(40))).Alerts);
        a = Assert.Single((await Eval(engine, Loss(2, 50, 3, 4, 12, 15, 11, 5, 13), T0.AddMinutes(41))).Alerts);
        Assert.Equal((90L, 13.0), (a.Step, a.Value));
        Assert.Equal(2, sink.Alerts.Count);
    }

    [Fact]
    public async Task A_lower_limit_matches_the_normalised_key_and_NaN_crosses_every_limit()
    {
        var (engine, _) = Engine("""
            thresholds:
              - metric: eval/accuracy
                below: 0.5
                severity: error
              - metric: train/loss
                above: 10
            """);
        Run R(double[] acc, double[] loss) => new RunBuilder().Series("val/accuracy", new long[] { 100, 200, 300, 400 }[..acc.Length], acc, "eval_accuracy")
            .Series("train/loss", 10, loss).Build();

        Assert.Empty((await Eval(engine, R([0.6, 0.7], [1, 2]), T0)).Alerts);
        var e = await Eval(engine, R([0.6, 0.7, 0.45], [1, 2, double.NaN]), T0.AddMinutes(1));
        Assert.Equal(2, e.Alerts.Count);
        var below = e.Alerts[0];
        Assert.Equal(("threshold:eval/accuracy:below", Severity.Error, "val/accuracy", 300L, 0.45), (below.Key, below.Severity, below.Metric, below.Step, below.Value));
        Assert.Equal("val/accuracy is below 0.5", below.Title);
        var nan = e.Alerts[1];
        Assert.Equal(("threshold:train/loss:above", 30L), (nan.Key, nan.Step));
        Assert.True(double.IsNaN(nan.Value!.Value));
    }

    [Fact]
    public async Task A_metric_named_as_the_trainer_logged_it_is_found()
    {
        var (engine, _) = Engine("thresholds:\n  - metric: my_custom_val_loss\n    above: 1\n");
        Run R(params double[] v) => new RunBuilder().Series("val/loss", [.. Enumerable.Range(1, v.Length).Select(i => (long)i)], v, "my_custom_val_loss").Build();
        await Eval(engine, R(0.5), T0);
        var a = Assert.Single((await Eval(engine, R(0.5, 1.5), T0.AddSeconds(1))).Alerts);
        Assert.Equal(("val/loss", 1.5), (a.Metric, a.Value));
    }

    // ---- relative thresholds ----

    [Fact]
    public async Task Rise_percent_compares_with_the_best_so_far_lower_is_better_for_a_loss()
    {
        var (engine, _) = Engine("thresholds:\n  - metric: eval_loss\n    rise_percent: 20\n");
        Run R(params double[] v) => new RunBuilder().Series("val/loss", [.. Enumerable.Range(1, v.Length).Select(i => i * 100L)], v, "eval_loss").Build();

        // Best 0.5; 0.59 is 18% worse: under the limit.
        Assert.Empty((await Eval(engine, R(1.0, 0.8, 0.5, 0.55, 0.59), T0)).Alerts);
        // 0.61 is (0.61 - 0.5) / 0.5 = 22% worse.
        var a = Assert.Single((await Eval(engine, R(1.0, 0.8, 0.5, 0.55, 0.59, 0.61), T0.AddMinutes(1))).Alerts);
        Assert.Equal(("threshold:eval_loss:rise_percent", "val/loss", 600L, 0.61), (a.Key, a.Metric, a.Step, a.Value));
        Assert.Equal("val/loss is more than 20% worse than its best", a.Title);
        Assert.Equal("val/loss = 0.61 at step 600 is 22% worse than its best so far, 0.5 (lower is better; limit 20%).", a.Message);
    }

    [Fact]
    public async Task Rise_percent_on_an_accuracy_is_a_fall_and_the_best_includes_points_seen_earlier()
    {
        var (engine, _) = Engine("thresholds:\n  - metric: val/accuracy\n    rise_percent: 10\n");
        Run R(params double[] v) => new RunBuilder().Series("val/accuracy", 100, v).Build();

        // Best 0.8; 0.75 is 6.25% worse.
        Assert.Empty((await Eval(engine, R(0.5, 0.8, 0.75), T0)).Alerts);
        // 0.85 becomes the best; 0.76 is (0.85 - 0.76) / 0.85 = 10.59% worse.
        var a = Assert.Single((await Eval(engine, R(0.5, 0.8, 0.75, 0.85, 0.76), T0.AddMinutes(1))).Alerts);
        Assert.Equal((500L, 0.76), (a.Step, a.Value));
        Assert.Contains($"is {Format.Number((0.85 - 0.76) / 0.85 * 100)}% worse than its best so far, 0.85 (higher is better", a.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Direction_comes_from_the_primary_metric_or_the_config()
    {
        Run R(params double[] v) => new RunBuilder().Series("val/score", 100, v).Build();
        // By its name val/score is higher-is-better; the diagnosis says the trainer minimises it.
        var (engine, _) = Engine("thresholds:\n  - metric: val/score\n    rise_percent: 10\n");
        await engine.EvaluateAsync(Diag(R(3, 2), [], "val/score", greaterIsBetter: false), T0, T0, true, default);
        var e = await engine.EvaluateAsync(Diag(R(3, 2, 2.5), [], "val/score", greaterIsBetter: false), T0.AddMinutes(1), T0, true, default);
        Assert.Equal(2.5, Assert.Single(e.Alerts).Value);

        var (explicitLower, _) = Engine("thresholds:\n  - metric: val/score\n    rise_percent: 10\n    direction: lower\n");
        await Eval(explicitLower, R(3, 2), T0);
        Assert.Single((await Eval(explicitLower, R(3, 2, 2.5), T0.AddMinutes(1))).Alerts);

        var (auto, _) = Engine("thresholds:\n  - metric: val/score\n    rise_percent: 10\n");
        await Eval(auto, R(2, 3), T0);
        Assert.Empty((await Eval(auto, R(2, 3, 2.8), T0.AddMinutes(1))).Alerts); // higher is better: (3 - 2.8) / 3 = 6.7%
        Assert.Equal(2.6, Assert.Single((await Eval(auto, R(2, 3, 2.8, 2.6), T0.AddMinutes(2))).Alerts).Value); // (3 - 2.6) / 3 = 13.3%
    }

    [Fact]
    public async Task A_series_that_restarts_shorter_is_read_again_from_its_newest_point()
    {
        var (engine, _) = Engine("thresholds:\n  - metric: train/loss\n    above: 10\n");
        await Eval(engine, Loss(1, 2, 3, 4), T0);
        Assert.Equal(20L, Assert.Single((await Eval(engine, Loss(1, 20), T0.AddSeconds(1))).Alerts).Step);
        Assert.Equal(30L, Assert.Single((await Eval(engine, Loss(1, 20, 30), T0.AddHours(1))).Alerts).Step);
    }

    // ---- z-scores ----

    [Fact]
    public async Task A_zscore_alert_compares_a_new_point_with_the_previous_window()
    {
        var (engine, _) = Engine("zscore:\n  - metric: train/grad_norm\n    z: 6\n    window: 4\n");
        Run R(params double[] v) => new RunBuilder().Series("train/grad_norm", 10, v).Build();

        // Window 1, 3, 1, 3: mean 2, std 1; the newest point 2 has z = 0.
        Assert.Empty((await Eval(engine, R(1, 3, 1, 3, 2), T0)).Alerts);
        // Window 3, 1, 3, 2: mean 2.25, population variance (9 + 1 + 9 + 4) / 4 - 2.25² = 0.6875; 8 → z = 5.75 / √0.6875.
        var z = 5.75 / Math.Sqrt(0.6875);
        var a = Assert.Single((await Eval(engine, R(1, 3, 1, 3, 2, 8), T0.AddMinutes(1))).Alerts);
        Assert.Equal(("zscore:train/grad_norm", "zscore", "train/grad_norm", 60L, 8.0), (a.Key, a.Kind, a.Metric, a.Step, a.Value));
        Assert.Equal($"train/grad_norm outlier: z = {Format.Number(z)} at step 60", a.Title);
        Assert.Contains("mean of the previous points (2.25 ± 0.8292; limit z = 6)", a.Message, StringComparison.Ordinal);

        // Window 1, 3, 2, 8: mean 3.5, std √(78/4 - 12.25) = √7.25 = 2.693; 15 → z = 4.27 < 6: no alert.
        Assert.Empty((await Eval(engine, R(1, 3, 1, 3, 2, 8, 15), T0.AddHours(2))).Alerts);
    }

    [Fact]
    public async Task Zscore_alerts_match_a_direct_computation_over_a_long_noisy_series()
    {
        // 600 noisy points with three planted spikes, fed in batches of 50; expected crossings computed directly.
        const int window = 200;
        const double limit = 5;
        var values = RunBuilder.Noise(600, 1, seed: 7).Select(v => 1000 + v).ToArray();
        values[320] = 1009;
        values[451] = 990;
        values[452] = 1012;
        var expected = new List<long>();
        for (var i = 0; i < values.Length; i++)
        {
            var previous = values[Math.Max(0, i - window)..i];
            if (i < 99 || previous.Length < 10)
            {
                continue; // the engine first sees 100 points and checks only the newest of them
            }

            var mean = previous.Average();
            var std = Math.Sqrt(previous.Sum(x => (x - mean) * (x - mean)) / previous.Length);
            if (Math.Abs((values[i] - mean) / std) >= limit)
            {
                expected.Add((i + 1) * 10L);
            }
        }

        Assert.Equal([3210L, 4520L, 4530L], expected); // the planted spikes, nothing else
        var (engine, _) = Engine($"zscore:\n  - metric: train/grad_norm\n    z: {limit}\n    window: {window}\ncooldown_minutes: 0\n");
        var seen = new List<long>();
        var now = T0;
        for (var n = 100; n <= values.Length; n += 50)
        {
            var run = new RunBuilder().Series("train/grad_norm", 10, values[..n]).Build();
            seen.AddRange((await Eval(engine, run, now = now.AddMinutes(1))).Alerts.Select(a => a.Step!.Value));
        }

        // One alert per call: 4520 and 4530 arrive in the same batch, so only the first is reported.
        Assert.Equal([3210L, 4520L], seen);
    }

    [Fact]
    public void The_rolling_window_matches_a_direct_mean_and_standard_deviation()
    {
        var window = new RollingWindow(50);
        var values = RunBuilder.Noise(5000, 3, seed: 3).Select((v, i) => 1e6 + v + (i > 2500 ? 1e3 : 0)).ToArray();
        for (var i = 0; i < values.Length; i++)
        {
            window.Push(values[i]);
            var last = values[Math.Max(0, i - 49)..(i + 1)];
            var mean = last.Average();
            var std = Math.Sqrt(last.Sum(x => (x - mean) * (x - mean)) / last.Length);
            Assert.Equal(mean, window.Mean, 1e-6);
            Assert.Equal(std, window.Std, 1e-6);
        }
    }

    // ---- stalled ----

    [Fact]
    public async Task A_running_run_without_new_points_alerts_as_stalled_and_again_after_the_cooldown()
    {
        var (engine, _) = Engine("stalled_minutes: 15\ncooldown_minutes: 30\n");
        var run = Loss(1, 2, 3);
        var last = T0;
        Task<AlertEvaluation> At(double minutes, bool running = true) =>
            engine.EvaluateAsync(Diag(run), T0.AddMinutes(minutes), last, running, default);

        Assert.Empty((await At(14.9)).Alerts);
        Assert.Empty((await At(20, running: false)).Alerts);
        var a = Assert.Single((await At(16)).Alerts);
        Assert.Equal(("stalled", "stalled", Severity.Warning, 30L), (a.Key, a.Kind, a.Severity, a.Step));
        Assert.Equal("No new points for 16 min", a.Title);
        Assert.Equal("The run is still running but logged nothing since 2026-03-01 10:00:00 UTC (last step 30); the limit is 15 min.", a.Message);
        Assert.Empty((await At(45)).Alerts);
        Assert.Single((await At(46)).Alerts);
    }

    [Fact]
    public async Task Without_a_last_point_time_stalled_uses_the_wall_times_or_else_what_the_engine_saw()
    {
        var (engine, _) = Engine("stalled_minutes: 15\n");
        var timed = TimedSeries.With(Loss(1), TimedSeries.Of("train/loss", T0, TimeSpan.FromMinutes(1), 1, 2, 3)); // last point at T0 + 2 min
        Assert.Empty((await engine.EvaluateAsync(Diag(timed), T0.AddMinutes(16.9), null, true, default)).Alerts);
        Assert.Single((await engine.EvaluateAsync(Diag(timed), T0.AddMinutes(17), null, true, default)).Alerts);

        var (observer, _) = Engine("stalled_minutes: 15\n");
        var run = Loss(1, 2);
        Assert.Empty((await observer.EvaluateAsync(Diag(run), T0, null, true, default)).Alerts);
        Assert.Empty((await observer.EvaluateAsync(Diag(Loss(1, 2, 3)), T0.AddMinutes(10), null, true, default)).Alerts); // a point came
        Assert.Empty((await observer.EvaluateAsync(Diag(Loss(1, 2, 3)), T0.AddMinutes(24), null, true, default)).Alerts);
        Assert.Single((await observer.EvaluateAsync(Diag(Loss(1, 2, 3)), T0.AddMinutes(25), null, true, default)).Alerts);
    }

    // ---- findings: which, de-duplication, cool-down ----

    [Fact]
    public async Task A_persisting_finding_alerts_once_even_as_its_title_changes()
    {
        var (engine, sink) = Engine("cooldown_minutes: 30\n");
        for (var i = 0; i < 5; i++)
        {
            var f = NewFinding("RL0101", "overfitting", Severity.Warning, $"val/loss rose {10 + i}% since its minimum", "val/loss", "train/loss");
            await Eval(engine, Loss(1, 2), T0.AddMinutes(i * 20), f);
        }

        var a = Assert.Single(sink.Alerts);
        Assert.Equal(("finding:RL0101:train/loss,val/loss", "finding", "RL0101", "overfitting"), (a.Key, a.Kind, a.RuleId, a.Rule));
        Assert.Equal(("val/loss rose 10% since its minimum", "Why overfitting happens.", "Fix overfitting."), (a.Title, a.Message, a.Recommendation));
        Assert.Equal((120L, "val/loss"), (a.Step, a.Metric));
    }

    [Fact]
    public async Task A_finding_that_comes_back_alerts_again_only_after_the_cooldown()
    {
        var (engine, sink) = Engine("cooldown_minutes: 30\n");
        var f = NewFinding("RL0206", "loss-spikes", Severity.Warning, "3 loss spikes", "train/loss");
        var run = Loss(1, 2);

        await Eval(engine, run, T0, f);                      // alerts
        await Eval(engine, run, T0.AddMinutes(5));           // gone
        await Eval(engine, run, T0.AddMinutes(10), f);       // back within the cool-down: held
        await Eval(engine, run, T0.AddMinutes(20), f);       // still within
        Assert.Single(sink.Alerts);
        await Eval(engine, run, T0.AddMinutes(30), f);       // cool-down over, still there: alerts
        Assert.Equal(2, sink.Alerts.Count);
        await Eval(engine, run, T0.AddMinutes(40), f);       // persisting: no
        await Eval(engine, run, T0.AddMinutes(50));          // gone
        await Eval(engine, run, T0.AddMinutes(61), f);       // back after the cool-down: alerts at once
        Assert.Equal([T0, T0.AddMinutes(30), T0.AddMinutes(61)], sink.Alerts.Select(a => a.Time));
    }

    [Fact]
    public async Task A_finding_that_escalates_to_error_alerts_again_at_once()
    {
        var (engine, sink) = Engine("cooldown_minutes: 30\n");
        await Eval(engine, Loss(1), T0, NewFinding("RL0402", "sudden-metric-drop", Severity.Warning, "drop", "val/accuracy"));
        await Eval(engine, Loss(1), T0.AddMinutes(1), NewFinding("RL0402", "sudden-metric-drop", Severity.Error, "bigger drop", "val/accuracy"));
        await Eval(engine, Loss(1), T0.AddMinutes(2), NewFinding("RL0402", "sudden-metric-drop", Severity.Warning, "drop", "val/accuracy"));
        Assert.Equal([Severity.Warning, Severity.Error], sink.Alerts.Select(a => a.Severity));
    }

    [Fact]
    public async Task Rule_filters_default_to_warnings_and_the_most_specific_entry_wins()
    {
        var info = NewFinding("RL0403", "change-point", Severity.Info, "regime change", "train/loss");
        var warning = NewFinding("RL0403", "change-point", Severity.Warning, "regime change", "val/loss");
        var error = NewFinding("RL0107", "divergence", Severity.Error, "NaN", "train/loss");

        var (byDefault, d) = Engine("cooldown_minutes: 0\n");
        await Eval(byDefault, Loss(1), T0, info, warning, error);
        Assert.Equal(["finding:RL0403:val/loss", "finding:RL0107:train/loss"], d.Alerts.Select(a => a.Key));

        var (silenced, s) = Engine("rules:\n  - rule: '*'\n  - rule: change-point\n    min_severity: off\n");
        await Eval(silenced, Loss(1), T0, info, warning, error);
        Assert.Equal(["finding:RL0107:train/loss"], s.Alerts.Select(a => a.Key));

        var (named, n) = Engine("rules:\n  - RL0403\n");
        await Eval(named, Loss(1), T0, info, warning, error);
        Assert.Equal(["finding:RL0403:train/loss", "finding:RL0403:val/loss"], n.Alerts.Select(a => a.Key));

        var (errorsOnly, o) = Engine("rules:\n  - rule: '*'\n    min_severity: error\n");
        await Eval(errorsOnly, Loss(1), T0, info, warning, error);
        Assert.Equal(["finding:RL0107:train/loss"], o.Alerts.Select(a => a.Key));
    }

    [Fact]
    public async Task Two_findings_of_one_rule_on_the_same_series_are_told_apart()
    {
        var (engine, sink) = Engine("");
        await Eval(engine, Loss(1), T0, NewFinding("RL0304", "weak-classes", Severity.Warning, "class a"), NewFinding("RL0304", "weak-classes", Severity.Warning, "class b"));
        Assert.Equal(["finding:RL0304", "finding:RL0304#2"], sink.Alerts.Select(a => a.Key));
    }

    // ---- sinks ----

    [Fact]
    public async Task A_failing_sink_becomes_a_warning_and_the_other_sinks_still_get_the_alert()
    {
        var good = new RecordingAlertSink();
        var engine = new AlertEngine(Config(""), [new FailingAlertSink(), good]);
        var e = await Eval(engine, Loss(1), T0, NewFinding("RL0107", "divergence", Severity.Error, "NaN", "train/loss"));
        Assert.Single(e.Alerts);
        Assert.Single(good.Alerts);
        Assert.Equal("alert 'finding:RL0107:train/loss' not delivered to broken: disk full", Assert.Single(e.Warnings));
    }

    [Fact]
    public async Task The_console_sink_writes_one_line_and_the_file_sink_one_json_object_per_alert()
    {
        using var dir = new TempDir();
        var console = new StringWriter();
        var config = Config($"sinks:\n  - console\n  - file: {dir.File("logs/alerts.jsonl")}\nthresholds:\n  - metric: train/loss\n    above: 10\n");
        using var http = new HttpClient();
        var engine = new AlertEngine(config, config.CreateSinks(console, http));
        await Eval(engine, Loss(20), T0.AddHours(2), NewFinding("RL0107", "divergence", Severity.Error, "train/loss became NaN at step 30", "train/loss"));

        Assert.Equal(
            "12:00:00 ERROR test-run: train/loss became NaN at step 30 [RL0107 divergence] — Fix divergence.\n"
            + "12:00:00 WARNING test-run: train/loss is above 10 — Look at the learning rate and the data of the last steps; lower the learning rate or roll back if the loss does not come down.\n",
            console.ToString().ReplaceLineEndings("\n"));

        var lines = File.ReadAllLines(dir.File("logs/alerts.jsonl"));
        Assert.Equal(2, lines.Length);
        var first = JsonNode.Parse(lines[0])!;
        var expected = JsonNode.Parse("""
            {"schema": "runlens.alert/v1", "run": {"id": "test-run", "name": "test-run"}, "kind": "finding",
             "key": "finding:RL0107:train/loss", "rule_id": "RL0107", "rule": "divergence", "severity": "error",
             "title": "train/loss became NaN at step 30", "message": "Why divergence happens.", "step": 120, "metric": "train/loss",
             "value": null, "time": "2026-03-01T12:00:00.0000000+00:00", "recommendation": "Fix divergence."}
            """);
        Assert.True(JsonNode.DeepEquals(expected, first), first.ToJsonString());
        Assert.Equal("threshold:train/loss:above", (string?)JsonNode.Parse(lines[1])!["key"]);
        Assert.Equal(20.0, (double)JsonNode.Parse(lines[1])!["value"]!);

        // Appends.
        await Eval(engine, Loss(20, 30), T0.AddHours(3));
        Assert.Equal(3, File.ReadAllLines(dir.File("logs/alerts.jsonl")).Length);
    }

    [Fact]
    public void NaN_values_travel_as_strings_in_the_json_payload()
    {
        var a = new Alert("k", "threshold", Severity.Warning, "t", "m", null, 3, "train/loss", double.NaN) { Time = T0 };
        Assert.Equal("NaN", (string?)JsonNode.Parse(AlertPayloads.Json(a))!["value"]);
        Assert.Equal("Infinity", (string?)JsonNode.Parse(AlertPayloads.Json(a with { Value = double.PositiveInfinity }))!["value"]);
    }

    // ---- actions ----

    [Fact]
    public async Task Each_rule_and_verb_gives_one_action_per_run_never_repeated()
    {
        var (engine, sink) = Engine("""
            sinks: []
            actions:
              - rule: divergence
                do: stop
              - rule: loss-spikes
                do: reduce_lr
                factor: 0.5
            """);
        var spikes = NewFinding("RL0206", "loss-spikes", Severity.Warning, "4 loss spikes", "train/loss");
        var diverged = NewFinding("RL0107", "divergence", Severity.Error, "train/loss became NaN at step 90", "train/loss");

        var e1 = await Eval(engine, Loss(1, 2, 3), T0, spikes);
        var reduce = Assert.Single(e1.Actions);
        Assert.Equal(new ControlAction("a1", ControlVerb.ReduceLr, "loss-spikes (RL0206): 4 loss spikes. Multiply the learning rate by 0.5.", T0,
            "RL0206", "4 loss spikes", 30, 0.5), reduce);
        Assert.Equal([reduce], e1.Control.Actions);

        for (var i = 1; i <= 5; i++)
        {
            Assert.Empty((await Eval(engine, Loss(1, 2, 3), T0.AddHours(i), spikes)).Actions);
        }

        var e2 = await Eval(engine, Loss(1, 2, 3, double.NaN), T0.AddHours(6), diverged, spikes);
        var stop = Assert.Single(e2.Actions);
        Assert.Equal(("a2", ControlVerb.Stop, "RL0107", 40L, (double?)null), (stop.Id, stop.Action, stop.RuleId, stop.Step, stop.Factor));
        Assert.Equal("divergence (RL0107): train/loss became NaN at step 90. Stop the run.", stop.Reason);
        Assert.Equal(["a1", "a2"], e2.Control.Actions.Select(a => a.Id));
        Assert.Equal(["a1", "a2"], engine.Control.Actions.Select(a => a.Id));
        Assert.Equal("test-run", engine.Control.Run);
        Assert.Empty((await Eval(engine, Loss(1, 2, 3, double.NaN), T0.AddHours(7), diverged)).Actions);
    }

    [Fact]
    public async Task Ids_continue_from_the_given_control_document_and_its_actions_count_as_taken()
    {
        var existing = ControlDocument.Empty("run-1")
            .With(new ControlAction("a1", ControlVerb.Stop, "a person asked", T0))
            .With(new ControlAction("a2", ControlVerb.Stop, "divergence", T0, "RL0107"));
        var (engine, _) = Engine("actions:\n  - rule: '*'\n    do: stop\n    min_severity: error\n", existing);

        var diverged = NewFinding("RL0107", "divergence", Severity.Error, "NaN", "train/loss");
        Assert.Empty((await Eval(engine, Loss(1), T0, diverged)).Actions);

        // A warning is under the action's min_severity; an error of another rule stops; only one stop per call.
        var warning = NewFinding("RL0206", "loss-spikes", Severity.Warning, "spikes", "train/loss");
        var failed = NewFinding("RL0405", "failed-run", Severity.Error, "CUDA out of memory");
        var oom2 = NewFinding("RL0407", "suspicious-values", Severity.Error, "loss exactly 0");
        var e = await Eval(engine, Loss(1), T0.AddMinutes(1), diverged, failed, oom2, warning);
        var a = Assert.Single(e.Actions);
        Assert.Equal(("a3", "RL0405"), (a.Id, a.RuleId));
        Assert.Equal("run-1", e.Control.Run);

        // Someone else appends a4; the engine adopts it and goes on with a5.
        engine.Adopt(e.Control.With(new ControlAction("a4", ControlVerb.ReduceLr, "a person asked", T0, Factor: 0.1)));
        Assert.Equal("a5", Assert.Single((await Eval(engine, Loss(1), T0.AddMinutes(2), oom2)).Actions).Id);
    }

    [Fact]
    public async Task A_rollback_names_the_best_checkpoint_and_waits_while_none_is_known()
    {
        var (engine, _) = Engine("actions:\n  - rule: past-best-checkpoint\n    do: rollback\n    min_severity: info\n");
        var past = NewFinding("RL0102", "past-best-checkpoint", Severity.Warning, "the last eval is 400 steps past the best", "val/loss");
        Run R(bool withCheckpoints)
        {
            var b = new RunBuilder().Series("val/loss", 100, 1.0, 0.6, 0.5, 0.7, 0.8);
            return withCheckpoints ? b.Checkpoint(200, "out/checkpoint-200").Checkpoint(500, "out/checkpoint-500").Build() : b.Build();
        }

        var best = new MetricPoint(300, 0.5, double.NaN);
        var none = await engine.EvaluateAsync(Diag(R(false), [past], "val/loss", false, best), T0, T0, true, default);
        Assert.Empty(none.Actions);
        Assert.Equal("past-best-checkpoint (RL0102) asks for a rollback, but no best checkpoint is known yet; no rollback was written.",
            Assert.Single(none.Warnings));
        Assert.Empty((await engine.EvaluateAsync(Diag(R(false), [past], "val/loss", false, best), T0, T0, true, default)).Warnings);

        // No checkpoint at the best step 300: the last one before it.
        var e = await engine.EvaluateAsync(Diag(R(true), [past], "val/loss", false, best), T0.AddMinutes(1), T0, true, default);
        var a = Assert.Single(e.Actions);
        Assert.Equal((ControlVerb.Rollback, "out/checkpoint-200", (double?)null), (a.Action, a.Checkpoint, a.Factor));
        Assert.EndsWith("Roll back to out/checkpoint-200, the last checkpoint at or before the best step 300 (saved at step 200).", a.Reason, StringComparison.Ordinal);

        // The trainer's recorded best checkpoint comes first.
        var (trainer, _) = Engine("actions:\n  - rule: past-best-checkpoint\n    do: rollback\n");
        var run = new RunBuilder().Series("val/loss", 100, 1.0, 0.5, 0.7)
            .Trainer(t => t with { BestCheckpoint = "out/checkpoint-200", BestStep = 200 }).Checkpoint(300, "out/checkpoint-300").Build();
        Assert.Equal("out/checkpoint-200", Assert.Single((await Eval(trainer, run, T0, past)).Actions).Checkpoint);
    }

    [Fact]
    public async Task A_real_diagnosis_of_a_diverging_run_alerts_and_stops_it()
    {
        var values = RunBuilder.Falling(60, 2.0, 0.8).Concat([double.NaN, double.NaN]).ToArray();
        var run = new RunBuilder().Series("train/loss", 10, values).Config("learning_rate", 1e-3).Build();
        var diagnosis = new Diagnoser().Diagnose(run);
        var (engine, sink) = Engine("actions:\n  - rule: divergence\n    do: stop\n");

        var e = await engine.EvaluateAsync(diagnosis, T0, T0, true, default);
        var alert = Assert.Single(sink.Alerts, a => a.RuleId == "RL0107");
        Assert.Equal(Severity.Error, alert.Severity);
        Assert.Contains("became NaN at step 610", alert.Title, StringComparison.Ordinal);
        var stop = Assert.Single(e.Actions);
        Assert.Equal((ControlVerb.Stop, "RL0107", 620L), (stop.Action, stop.RuleId, stop.Step));
        Assert.Contains("\"action\": \"stop\"", e.Control.ToJson(), StringComparison.Ordinal);
    }
}

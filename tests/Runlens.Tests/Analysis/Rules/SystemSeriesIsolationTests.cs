using Runlens.Analysis;
using Runlens.Analysis.Findings;
using Runlens.Model;
using Runlens.Tests.Support;

namespace Runlens.Tests.Analysis.Rules;

/// <summary>system/* series (machine readings, step = seconds) never change what the metric rules find.</summary>
public sealed class SystemSeriesIsolationTests : RuleTestBase
{
    private static RunBuilder Training()
    {
        var noise = RunBuilder.Noise(300, 0.02, seed: 7);
        return new RunBuilder()
            .Config("per_device_train_batch_size", 16)
            .Series("train/loss", 1, [.. Enumerable.Range(0, 300).Select(i => (2.0 * Math.Exp(-i / 80.0)) + 0.3 + noise[i])])
            .Series("val/loss", 30, [.. Enumerable.Range(1, 10).Select(i => 1.5 * Math.Exp(-i / 4.0) + 0.4)])
            .Series("val/accuracy", 30, [.. Enumerable.Range(1, 10).Select(i => 0.9 - (0.5 * Math.Exp(-i / 3.0)))])
            .Series("train/learning_rate", 1, [.. Enumerable.Range(0, 300).Select(i => 5e-5 * (1 - (i / 300.0)))]);
    }

    /// <summary>Readings every 10 s for an hour: steps far beyond the training's 300, a one-sample drop, a level shift,
    /// values that look like nothing a metric would log.</summary>
    private static RunBuilder WithSystem(RunBuilder b, string prefix = SystemMetrics.Prefix)
    {
        long[] seconds = [.. Enumerable.Range(0, 360).Select(i => i * 10L)];
        var jitter = RunBuilder.Noise(360, 1.5, seed: 3);
        return b
            .Series(prefix + "gpu_util_percent", seconds, [.. seconds.Select((s, i) => s == 2000 ? 3 : 95 + jitter[i])])
            .Series(prefix + "gpu_memory_percent", seconds, [.. seconds.Select(s => s < 1800 ? 35.0 : 88.0)])
            .Series(prefix + "cpu_percent", seconds, [.. seconds.Select((s, i) => s == 900 ? 2400 : 110 + (10 * jitter[i]))])
            .Series(prefix + "rss_mib", seconds, [.. seconds.Select(s => 3800.0 + (s / 10.0))])
            .Series(prefix + "gpu_temperature_c", seconds, [.. seconds.Select(s => s == 1200 ? 0 : 65.0)]);
    }

    private static string Describe(Finding f) =>
        f.Rule + " | " + f.Title + " | " + EvidenceJson.ToElement(f.Evidence).GetRawText() + " | " + string.Join(",", f.Steps);

    [Theory]
    [InlineData(RunStatus.Finished)]
    [InlineData(RunStatus.Failed)]
    public void Findings_other_than_hardware_use_are_the_same_with_and_without_system_series(RunStatus status)
    {
        var without = Diagnose(Training().Status(status).Build());
        var with = Diagnose(WithSystem(Training().Status(status)).Build());

        Assert.Empty(with.Coverage.RuleErrors);
        Assert.Equal(
            without.Findings.Select(Describe),
            with.Findings.Where(f => f.Rule != "hardware-underused").Select(Describe));
        Assert.DoesNotContain(with.Findings, f => f.Rule != "hardware-underused"
            && (f.SeriesKeys.Any(SystemMetrics.IsSystem) || f.Title.Contains("system/", StringComparison.Ordinal)));
        Assert.Equal(without.Summary.Headline, with.Summary.Headline);
        Assert.Equal(without.Summary.Status, with.Summary.Status);
        Assert.Equal(without.Coverage.Score, with.Coverage.Score);
        Assert.Equal(without.Coverage.Present.AsEnumerable(), with.Coverage.Present.AsEnumerable());
        // The series stay in the diagnosis's run for reports and charts.
        Assert.Contains(with.Metrics, s => s.Key == SystemMetrics.GpuUtilPercent);
    }

    [Fact]
    public void The_same_readings_under_metric_names_would_be_findings()
    {
        // Guard for the test above: unprefixed, these readings do trip the metric rules.
        var d = Diagnose(WithSystem(Training(), prefix: "").Build());
        Assert.Contains(d.Findings, f => f.Rule == "metric-anomaly");
    }

    [Fact]
    public void The_run_view_keeps_system_series_apart()
    {
        var run = WithSystem(Training()).Build();
        var view = new RunView(run);

        Assert.DoesNotContain(view.Run.Series.Keys, SystemMetrics.IsSystem);
        Assert.Equal(5, view.SystemSeries.Count);
        Assert.All(view.SystemSeries.Keys, k => Assert.StartsWith("system/", k, StringComparison.Ordinal));
        Assert.Equal("train/loss", view.TrainLoss!.Key);
        Assert.Equal(run.Series.Count, view.Run.Series.Count + view.SystemSeries.Count);
    }
}

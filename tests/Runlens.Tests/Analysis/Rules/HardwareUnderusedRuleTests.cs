using Runlens.Analysis.Findings;
using Runlens.Analysis.Rules.Telemetry;
using Runlens.Model;
using Runlens.Tests.Support;

namespace Runlens.Tests.Analysis.Rules;

/// <summary>RL0406 over system/* series whose steps are seconds since the start.</summary>
public sealed class HardwareUnderusedRuleTests : RuleTestBase
{
    private const string Slug = "hardware-underused";

    // A sample every 10 s for 190 s: 6 in the first minute (left out as warm-up), 14 after it (60..190 s).
    private static readonly long[] Seconds = [.. Enumerable.Range(0, 20).Select(i => i * 10L)];
    private static readonly double[] Warmup = [0, 0, 3, 1, 0, 2];
    private static readonly double[] LowUtil = [10, 20, 5, 40, 15, 25, 35, 12, 18, 60, 8, 22, 30, 45];

    private static RunBuilder Training() => new RunBuilder()
        .Series("train/loss", 10, [.. Enumerable.Range(0, 30).Select(i => 2.0 * Math.Exp(-i / 10.0) + 0.1)])
        .Series("val/loss", 100, 1.2, 0.8, 0.6);

    private static Run WithCores(Run run, int cores) => run with { Summary = run.Summary.SetItem(SystemMetrics.CpuCount, cores) };

    [Fact]
    public void Low_gpu_utilisation_after_warm_up_is_a_warning_with_its_percentiles()
    {
        var run = Training()
            .Series(SystemMetrics.GpuUtilPercent, Seconds, [.. Warmup, .. LowUtil])
            .Series(SystemMetrics.CpuPercent, Seconds, [.. Enumerable.Repeat(250.0, 20)])
            .Build();

        var f = Assert.Single(Findings(WithCores(run, 8), Slug));

        // By hand, over the 14 samples after warm-up, sorted: 5 8 10 12 15 18 20 22 25 30 35 40 45 60.
        // median (20 + 22) / 2 = 21; p10 at rank 1.3: 8 + 0.3·2 = 8.6; p90 at rank 11.7: 40 + 0.7·5 = 43.5; 9 of 14 under 30.
        Assert.Equal(Severity.Warning, f.Severity);
        Assert.Equal(21.0, EvidenceOf<GpuUtilisationEvidence>(f).GpuUtilMedian, 9);
        Assert.Equal(8.6, EvidenceOf<GpuUtilisationEvidence>(f).GpuUtilP10, 9);
        Assert.Equal(43.5, EvidenceOf<GpuUtilisationEvidence>(f).GpuUtilP90, 9);
        Assert.Equal(9 / 14.0, EvidenceOf<GpuUtilisationEvidence>(f).BelowLowUtilFraction, 9);
        Assert.Equal(14, EvidenceOf<GpuUtilisationEvidence>(f).Samples);
        Assert.Equal(130L, EvidenceOf<GpuUtilisationEvidence>(f).Seconds);
        Assert.Equal(250.0, EvidenceOf<GpuUtilisationEvidence>(f).CpuPercentMedian);
        Assert.Equal(false, EvidenceOf<GpuUtilisationEvidence>(f).CpuSaturated);
        Assert.Contains("median utilisation 21%", f.Title, StringComparison.Ordinal);
        Assert.Contains(f.Recommendations, r => r.Action.Contains("num_workers", StringComparison.Ordinal));
        Assert.Contains(f.Recommendations, r => r.Action.Contains("mixed precision", StringComparison.Ordinal));
        Assert.Equal(new[] { SystemMetrics.GpuUtilPercent }, f.SeriesKeys.AsEnumerable());
    }

    [Fact]
    public void A_saturated_cpu_is_named_as_the_bottleneck()
    {
        var run = Training()
            .Series(SystemMetrics.GpuUtilPercent, Seconds, [.. Warmup, .. LowUtil])
            .Series(SystemMetrics.CpuPercent, Seconds, [.. Enumerable.Repeat(780.0, 20)])
            .Build();

        var f = Assert.Single(Findings(WithCores(run, 8), Slug));

        Assert.Equal(true, EvidenceOf<GpuUtilisationEvidence>(f).CpuSaturated);
        Assert.Equal(8.0, EvidenceOf<GpuUtilisationEvidence>(f).CpuCount);
        Assert.Contains("input pipeline is the bottleneck", f.Recommendations[0].Action, StringComparison.Ordinal);
        Assert.DoesNotContain(f.Recommendations, r => r.ConfigChanges.Any(c => c.Key == "dataloader_num_workers"));
    }

    [Fact]
    public void A_busy_gpu_no_gpu_or_too_few_samples_give_no_finding()
    {
        var busy = Training().Series(SystemMetrics.GpuUtilPercent, Seconds, [.. Warmup, .. LowUtil.Select(v => 100 - (v / 4))]).Build();
        Assert.Empty(Findings(busy, Slug));

        var noGpu = Training().Series(SystemMetrics.CpuPercent, Seconds, [.. Enumerable.Repeat(99.0, 20)]).Build();
        Assert.Empty(Findings(noGpu, Slug));
        var d = Diagnose(noGpu);
        Assert.DoesNotContain(d.Coverage.Missing, m => m.Blocks.Contains(Slug));
        Assert.Contains(Slug, d.Coverage.RulesRun);

        // 8 samples after warm-up: too few.
        var few = Training().Series(SystemMetrics.GpuUtilPercent, Seconds[..14], [.. Warmup, .. LowUtil[..8]]).Build();
        Assert.Empty(Findings(few, Slug));

        // 14 samples after warm-up, but 5 s apart: 65 s, under two minutes.
        long[] dense = [.. Enumerable.Range(0, 20).Select(i => 35 + (i * 5L))];
        var brief = Training().Series(SystemMetrics.GpuUtilPercent, dense, [.. Warmup, .. LowUtil]).Build();
        Assert.Empty(Findings(brief, Slug));
        Assert.Single(Findings(brief, Slug, "hardware-underused.min_seconds=60"));
    }

    [Fact]
    public void Unused_gpu_memory_is_an_info_finding_with_the_peak()
    {
        double[] percent = [.. Enumerable.Range(0, 20).Select(i => 20.0 + (i % 5))]; // peak 24% of 40,000 MiB
        var run = Training()
            .Config("per_device_train_batch_size", 8)
            .Config("gradient_accumulation_steps", 4)
            .Series(SystemMetrics.GpuUtilPercent, Seconds, [.. Enumerable.Repeat(97.0, 20)])
            .Series(SystemMetrics.GpuMemoryPercent, Seconds, percent)
            .Series(SystemMetrics.GpuMemoryUsedMib, Seconds, [.. percent.Select(p => p * 400)])
            .Build();

        var f = Assert.Single(Findings(run, Slug));

        Assert.Equal(Severity.Info, f.Severity);
        Assert.Equal(24.0, EvidenceOf<GpuMemoryEvidence>(f).GpuMemoryPeakPercent);
        Assert.Equal(9600.0, EvidenceOf<GpuMemoryEvidence>(f).GpuMemoryPeakMib);
        Assert.Equal(40000.0, EvidenceOf<GpuMemoryEvidence>(f).GpuMemoryTotalMib!.Value, 6);
        Assert.Equal(14, EvidenceOf<GpuMemoryEvidence>(f).Samples);
        var changes = f.Recommendations[0].ConfigChanges.ToDictionary(c => c.Key, c => c.To.Text);
        Assert.Equal("16", changes["per_device_train_batch_size"]);
        Assert.Equal("2", changes["gradient_accumulation_steps"]);

        var full = Training().Series(SystemMetrics.GpuMemoryPercent, Seconds, [.. percent.Select(p => p + 40)]).Build();
        Assert.Empty(Findings(full, Slug));
    }

    [Fact]
    public void Samples_after_the_last_training_log_are_left_out_when_wall_times_say_when_it_was()
    {
        // Training logs until wall time 1000 + 130 s; afterwards the GPU idles (final evaluation, saving): not counted.
        var t0 = 1000.0;
        var loss = new Series("train/loss", "loss", [.. Enumerable.Range(0, 14).Select(i => new SeriesPoint(i, 1.0 / (i + 1), double.NaN, t0 + (i * 10)))]);
        long[] seconds = [.. Enumerable.Range(0, 40).Select(i => i * 10L)];
        var gpu = new Series(SystemMetrics.GpuUtilPercent, "gpu_util_percent",
            [.. seconds.Select(s => new SeriesPoint(s, s <= 190 ? 95 : 2, double.NaN, t0 - 60 + s))]);
        var run = new RunBuilder().Build() with
        {
            Series = new RunBuilder().Build().Series.Add(loss.Key, loss).Add(gpu.Key, gpu),
        };

        Assert.Empty(Findings(run, Slug));

        // Without wall times on the training log every sample after warm-up counts: 20 of the 34 are idle.
        var untimed = run with { Series = run.Series.SetItem(loss.Key, loss with { Points = [.. loss.Points.Select(p => p with { WallTime = double.NaN })] }) };
        Assert.Equal(2.0, EvidenceOf<GpuUtilisationEvidence>(Assert.Single(Findings(untimed, Slug))).GpuUtilMedian);
    }
}

using Runlens.Import.Output;
using Runlens.Model;
using Runlens.Tests.Support;

namespace Runlens.Tests.Import.Output;

/// <summary>system.jsonl (one sample per line, as <see cref="ProcessRecorder"/> writes it) → system/* series of the run.</summary>
public sealed class SystemSeriesTests
{
    private static readonly DateTimeOffset Start = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static string Sample(double seconds, string fields) =>
        "{\"time\":\"" + Start.AddSeconds(seconds).ToString("O", System.Globalization.CultureInfo.InvariantCulture) + "\"," + fields + "}";

    // 2 GiB resident, 4 of 16 GiB host memory in use, 8,000 of 32,000 MiB of GPU memory.
    private const string Full = "\"cpu_percent\":150,\"rss_bytes\":2147483648,\"host_memory_used_bytes\":4294967296,\"host_memory_total_bytes\":17179869184,"
        + "\"gpu_util_percent\":80,\"gpu_memory_used_mebibytes\":8000,\"gpu_memory_total_mebibytes\":32000,\"gpu_temperature_c\":61,\"gpu_power_w\":210.5,\"cpu_count\":8";

    private const string NoGpu = "\"cpu_percent\":95.5,\"rss_bytes\":1048576,\"host_memory_used_bytes\":1073741824,\"host_memory_total_bytes\":4294967296,"
        + "\"gpu_util_percent\":null,\"gpu_memory_used_mebibytes\":null,\"gpu_memory_total_mebibytes\":null,\"gpu_temperature_c\":null,\"gpu_power_w\":null";

    [Fact]
    public void Samples_become_system_series_with_seconds_since_the_start_as_steps()
    {
        using var dir = new TempDir();
        var path = dir.File("system.jsonl");
        File.WriteAllText(path, Sample(0.4, "\"cpu_percent\":null,\"rss_bytes\":0,\"host_memory_used_bytes\":0,\"host_memory_total_bytes\":0") + "\n"
            + Sample(5.7, Full) + "\n" + Sample(10.2, NoGpu) + "\n");

        var r = SystemSeries.Read(path, Start);

        Assert.Empty(r.Events);
        Assert.Equal(3, r.Samples);
        Assert.Equal(8, r.CpuCount);
        Assert.Equal(
            ["system/cpu_percent", "system/gpu_memory_percent", "system/gpu_memory_used_mib", "system/gpu_power_w", "system/gpu_temperature_c",
             "system/gpu_util_percent", "system/host_memory_percent", "system/rss_mib"],
            r.Series.Keys);
        // The first sample has no CPU reading yet and no memory figures: it adds nothing.
        Assert.Equal([5L, 10L], r.Series["system/cpu_percent"].Steps());
        Assert.Equal([150, 95.5], r.Series["system/cpu_percent"].Values());
        Assert.Equal([2048, 1], r.Series["system/rss_mib"].Values());
        Assert.Equal([25, 25], r.Series["system/host_memory_percent"].Values());
        Assert.Equal([5L], r.Series["system/gpu_util_percent"].Steps());
        Assert.Equal([80.0], r.Series["system/gpu_util_percent"].Values());
        Assert.Equal([25.0], r.Series["system/gpu_memory_percent"].Values());
        Assert.Equal([8000.0], r.Series["system/gpu_memory_used_mib"].Values());
        Assert.Equal([61.0], r.Series["system/gpu_temperature_c"].Values());
        Assert.Equal([210.5], r.Series["system/gpu_power_w"].Values());
        Assert.Equal(Start.AddSeconds(5.7).ToUnixTimeMilliseconds() / 1000.0, r.Series["system/gpu_util_percent"].First.WallTime);
    }

    [Fact]
    public void Without_a_gpu_there_are_no_gpu_series()
    {
        using var dir = new TempDir();
        var path = dir.File("system.jsonl");
        File.WriteAllText(path, string.Join("\n", Enumerable.Range(0, 5).Select(i => Sample(i * 5, NoGpu))) + "\n");

        var r = SystemSeries.Read(path, Start);

        Assert.DoesNotContain(r.Series.Keys, k => k.Contains("gpu", StringComparison.Ordinal));
        Assert.Equal([0L, 5, 10, 15, 20], r.Series["system/cpu_percent"].Steps());
        Assert.Null(r.CpuCount);
    }

    [Fact]
    public void A_damaged_middle_line_is_an_import_damage_event_with_its_line_number()
    {
        using var dir = new TempDir();
        var path = dir.File("system.jsonl");
        File.WriteAllText(path, Sample(0, Full) + "\n" + "{\"time\":\"2025-03-01T12:00:05Z\",\"cpu_perc" + "\n" + Sample(10, Full) + "\n"
            + "{\"cpu_percent\":3}\n" + Sample(20, Full) + "\n");

        var r = SystemSeries.Read(path, Start);

        Assert.Equal(3, r.Samples);
        Assert.Equal([0L, 10, 20], r.Series["system/gpu_util_percent"].Steps());
        Assert.Collection(r.Events,
            e =>
            {
                Assert.Equal(RunEventKind.ImportDamage, e.Kind);
                Assert.Equal("line 2", e.Location);
                Assert.Equal(path, e.File);
                Assert.Contains("line 2", e.Message, StringComparison.Ordinal);
            },
            e =>
            {
                Assert.Equal("line 4", e.Location);
                Assert.Contains("no readable time", e.Message, StringComparison.Ordinal);
            });
    }

    [Fact]
    public void A_cut_off_last_line_is_ignored_but_a_complete_damaged_last_line_is_reported()
    {
        using var dir = new TempDir();
        var cut = dir.File("cut/system.jsonl");
        File.WriteAllText(cut, Sample(0, Full) + "\n" + Sample(5, Full) + "\n" + Sample(10, Full)[..40]);
        var r = SystemSeries.Read(cut, Start);
        Assert.Empty(r.Events);
        Assert.Equal(2, r.Samples);

        var broken = dir.File("broken/system.jsonl");
        File.WriteAllText(broken, Sample(0, Full) + "\n" + Sample(5, Full) + "\n" + Sample(10, Full)[..40] + "\n");
        var e = Assert.Single(SystemSeries.Read(broken, Start).Events);
        Assert.Equal("line 3", e.Location);
    }

    [Fact]
    public void The_run_of_a_recorded_process_carries_the_system_series_and_the_core_count()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("system.jsonl"), Sample(1, Full) + "\n" + "not json\n" + Sample(6, Full) + "\n");
        var process = new RecordedProcess(["python", "train.py"], Start, Start.AddSeconds(8), 0, [], 3);
        var trainer = new RunBuilder().Series("train/loss", 10, 2.0, 1.5, 1.2).Build();

        var run = ProcessRun.Of(process, trainer, dir.Path);

        Assert.Equal([1L, 6], run.Series["system/gpu_util_percent"].Steps());
        Assert.Equal([2.0, 1.5, 1.2], run.Series["train/loss"].Values());
        Assert.Equal(8, run.Summary[SystemMetrics.CpuCount]);
        var damage = Assert.Single(run.Events);
        Assert.Equal(("line 2", RunEventKind.ImportDamage), (damage.Location, damage.Kind));

        // Without system.jsonl the run is the trainer's, with the process's status.
        using var bare = new TempDir();
        var plain = ProcessRun.Of(process, trainer, bare.Path);
        Assert.Equal(["train/loss"], plain.Series.Keys);
        Assert.Equal(RunStatus.Finished, plain.Status);
    }
}

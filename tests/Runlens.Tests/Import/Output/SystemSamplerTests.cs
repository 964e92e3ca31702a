using Runlens.Import.Output;

namespace Runlens.Tests.Import.Output;

public sealed class SystemSamplerTests
{
    [Theory]
    [InlineData("87, 61440, 81559, 67, 312.45", new[] { 87, 61440, 81559, 67, 312.45 })]          // an H100: every field
    [InlineData("0, 3, 15360, 31, [N/A]", new[] { 0, 3, 15360, 31, double.NaN })]                   // no power reading
    [InlineData("12, 500, 8192, [Not Supported], [Not Supported]", new[] { 12, 500, 8192, double.NaN, double.NaN })]
    [InlineData("55, 1024", new[] { 55, 1024, double.NaN, double.NaN, double.NaN })]               // cut short
    public void Each_nvidia_smi_field_is_read_and_one_the_gpu_does_not_report_is_left_empty(string line, double[] expected)
    {
        var values = SystemSampler.ParseGpuLine(line)!;
        Assert.Equal(expected.Select(e => double.IsNaN(e) ? (double?)null : e), values);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void No_line_means_no_gpu(string? line) => Assert.Null(SystemSampler.ParseGpuLine(line));

    [Fact]
    public void A_sample_of_this_machine_reads_its_memory_and_the_process_tree()
    {
        var sampler = new SystemSampler(Environment.ProcessId);
        var first = sampler.Sample();
        Thread.Sleep(50);
        var second = sampler.Sample();
        Assert.Null(first.CpuPercent); // no interval yet
        Assert.NotNull(second.CpuPercent);
        Assert.True(second.RssBytes > 10_000_000, $"{second.RssBytes}"); // this test host holds more than 10 MB
        var meminfo = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        var totalKb = long.Parse(meminfo.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(totalKb * 1024, second.HostMemoryTotalBytes);
    }
}

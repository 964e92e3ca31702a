namespace Runlens.Import.Output;

/// <summary>One reading of the machine while a training process runs. GPU fields are null without <c>nvidia-smi</c>.</summary>
/// <param name="CpuPercent">CPU time of the process tree over the last interval, in percent of one core.</param>
/// <param name="RssBytes">Resident memory of the process tree.</param>
/// <param name="CpuCount">CPU cores the process could use (written as <c>cpu_count</c>; absent in files of older versions).</param>
public sealed record SystemSample(DateTimeOffset Time, double? CpuPercent, long RssBytes, long HostMemoryUsedBytes, long HostMemoryTotalBytes,
    double? GpuUtilPercent = null, double? GpuMemoryUsedMebibytes = null, double? GpuMemoryTotalMebibytes = null, double? GpuTemperatureC = null, double? GpuPowerW = null,
    int? CpuCount = null);

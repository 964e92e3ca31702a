namespace Runlens.Model;

/// <summary>
/// Keys of the machine's readings while a run trained (CPU, memory, GPU), kept as series under the <c>system/</c> prefix.
/// The step of a system point is the whole number of seconds since the process (or W&amp;B run) started, not a training
/// step; its wall time is the sample's own time. These series are not metrics of the model: the learning-dynamics and
/// accounting rules never see them (see <c>RunView</c>), only the hardware rule reads them.
/// </summary>
public static class SystemMetrics
{
    public const string Prefix = "system/";

    /// <summary>CPU time of the training process tree, in percent of one core (400 = four busy cores).</summary>
    public const string CpuPercent = "system/cpu_percent";

    /// <summary>Resident memory of the training process tree, MiB.</summary>
    public const string RssMib = "system/rss_mib";

    /// <summary>Host memory in use, percent of the host's total.</summary>
    public const string HostMemoryPercent = "system/host_memory_percent";

    /// <summary>GPU utilisation (share of time a kernel was running), percent.</summary>
    public const string GpuUtilPercent = "system/gpu_util_percent";

    /// <summary>GPU memory in use, percent of the GPU's total.</summary>
    public const string GpuMemoryPercent = "system/gpu_memory_percent";

    /// <summary>GPU memory in use, MiB.</summary>
    public const string GpuMemoryUsedMib = "system/gpu_memory_used_mib";

    public const string GpuTemperatureC = "system/gpu_temperature_c";

    public const string GpuPowerW = "system/gpu_power_w";

    /// <summary>Key in <see cref="Run.Summary"/> of the number of CPU cores of the machine that recorded the samples.</summary>
    public const string CpuCount = "system/cpu_count";

    /// <summary>True for a key of a system series (<c>system/…</c>).</summary>
    public static bool IsSystem(string key) => key is not null && key.StartsWith(Prefix, StringComparison.Ordinal);
}

using System.Collections.Immutable;
using System.Globalization;
using Runlens.Import.Wandb.Proto;
using Runlens.Import.Core;
using Runlens.Model;

namespace Runlens.Import.Wandb;

/// <summary>
/// W&amp;B's system metrics (stats records) as Runlens's <c>system/*</c> series (<see cref="SystemMetrics"/>), so that a
/// W&amp;B run and a run recorded by <c>runlens run</c> read alike. The GPU is the first one the process used
/// (<c>gpu.process.N.*</c>), else GPU 0: <c>gpu</c> → utilisation, <c>memoryAllocated</c> → memory percent,
/// <c>memoryAllocatedBytes</c> → MiB in use, <c>temp</c>, <c>powerWatts</c>. <c>cpu</c> (the process's CPU over all
/// cores, percent) is multiplied by the number of cores (<c>cpu.N.cpu_percent</c> items) into percent of one core;
/// <c>proc.memory.rssMB</c> → resident MiB; <c>memory</c> → host memory percent. Step = whole seconds since the run
/// started (the first sample when the start is unknown).
/// </summary>
internal sealed class WandbSystemStats
{
    private const double Mebibyte = 1024.0 * 1024.0;
    private readonly List<(double Time, Dictionary<string, double> Values)> _samples = [];

    /// <summary>True once a sample was added.</summary>
    public bool HasSamples => _samples.Count > 0;

    /// <summary>The number of cores W&amp;B reported per-core figures for, once a sample had them.</summary>
    public int? CpuCount { get; private set; }

    public void Add(WandbStatsRecord record)
    {
        if (record.Timestamp is not { } ts || (ts.Seconds == 0 && ts.Nanos == 0))
        {
            return;
        }

        var items = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var item in record.Item)
        {
            var key = WandbItems.Name(item);
            if (key.Length > 0 && PythonJson.TryParseNumber(item.ValueJson, out var v) && double.IsFinite(v))
            {
                items[key] = v;
            }
        }

        var cores = items.Keys.Count(k => k.StartsWith("cpu.", StringComparison.Ordinal) && k.EndsWith(".cpu_percent", StringComparison.Ordinal));
        if (cores > 0)
        {
            CpuCount = cores;
        }

        var gpu = items.Keys
            .Where(k => k.StartsWith("gpu.process.", StringComparison.Ordinal))
            .Select(k => k.Split('.'))
            .Where(p => p.Length == 4 && int.TryParse(p[2], NumberStyles.None, CultureInfo.InvariantCulture, out _))
            .Select(p => int.Parse(p[2], CultureInfo.InvariantCulture))
            .DefaultIfEmpty(0).Min();
        double? Gpu(string name) =>
            items.TryGetValue(string.Create(CultureInfo.InvariantCulture, $"gpu.process.{gpu}.{name}"), out var p) ? p
            : items.TryGetValue(string.Create(CultureInfo.InvariantCulture, $"gpu.{gpu}.{name}"), out var g) ? g : null;

        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        void Set(string key, double? value)
        {
            if (value is { } v && double.IsFinite(v))
            {
                values[key] = v;
            }
        }

        Set(SystemMetrics.GpuUtilPercent, Gpu("gpu"));
        Set(SystemMetrics.GpuMemoryPercent, Gpu("memoryAllocated"));
        Set(SystemMetrics.GpuMemoryUsedMib, Gpu("memoryAllocatedBytes") / Mebibyte);
        Set(SystemMetrics.GpuTemperatureC, Gpu("temp"));
        Set(SystemMetrics.GpuPowerW, Gpu("powerWatts"));
        Set(SystemMetrics.CpuPercent, cores > 0 && items.TryGetValue("cpu", out var cpu) ? cpu * cores : null);
        Set(SystemMetrics.RssMib, items.TryGetValue("proc.memory.rssMB", out var rss) ? rss : null);
        Set(SystemMetrics.HostMemoryPercent, items.TryGetValue("memory", out var mem) ? mem : null);
        if (values.Count > 0)
        {
            _samples.Add((ts.Seconds + (ts.Nanos / 1e9), values));
        }
    }

    public ImmutableSortedDictionary<string, Series> Build(DateTimeOffset? start)
    {
        var empty = ImmutableSortedDictionary<string, Series>.Empty.WithComparers(StringComparer.Ordinal);
        if (_samples.Count == 0)
        {
            return empty;
        }

        var zero = start is { } s ? s.ToUnixTimeMilliseconds() / 1000.0 : _samples.Min(x => x.Time);
        var points = new SortedDictionary<string, ImmutableArray<SeriesPoint>.Builder>(StringComparer.Ordinal);
        foreach (var (time, values) in _samples.OrderBy(x => x.Time))
        {
            var step = Math.Max(0, (long)Math.Floor(time - zero));
            foreach (var (key, v) in values)
            {
                if (!points.TryGetValue(key, out var list))
                {
                    points[key] = list = ImmutableArray.CreateBuilder<SeriesPoint>();
                }

                list.Add(new SeriesPoint(step, v, double.NaN, time));
            }
        }

        return empty.AddRange(points.Select(kv => KeyValuePair.Create(kv.Key, new Series(kv.Key, kv.Key[SystemMetrics.Prefix.Length..], kv.Value.ToImmutable()))));
    }
}

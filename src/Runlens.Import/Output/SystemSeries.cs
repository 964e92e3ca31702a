using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Runlens.Model;

namespace Runlens.Import.Output;

/// <summary>What <see cref="SystemSeries.Read"/> found in a <c>system.jsonl</c>.</summary>
/// <param name="Series">The <c>system/*</c> series that have at least one value (see <see cref="SystemMetrics"/>).</param>
/// <param name="Events">One <see cref="RunEventKind.ImportDamage"/> event per damaged line (line number in
/// <see cref="RunEvent.Location"/>).</param>
/// <param name="CpuCount">CPU cores of the recording machine, when the samples say.</param>
/// <param name="Samples">Samples read.</param>
public sealed record SystemReadings(ImmutableSortedDictionary<string, Series> Series, ImmutableArray<RunEvent> Events, int? CpuCount, int Samples);

/// <summary>
/// Reads the <c>system.jsonl</c> written by <see cref="ProcessRecorder"/> (one <see cref="SystemSample"/> per line) into
/// <c>system/*</c> series: CPU percent (of one core), resident memory (MiB), host memory in use (percent), GPU
/// utilisation, GPU memory (percent of total and MiB), GPU temperature and power. The step of each point is the whole
/// number of seconds from <c>start</c> (the process start) to the sample, its wall time the sample's time. A line that
/// cannot be read is an import-damage event naming its line; an unreadable last line with no line end is a sample cut
/// off when the recorder was stopped, and is ignored.
/// </summary>
public static class SystemSeries
{
    private const int MaxDamageEvents = 10;
    private const double Mebibyte = 1024.0 * 1024.0;

    /// <param name="path">The <c>system.jsonl</c> file.</param>
    /// <param name="start">Time zero of the steps; null for the first sample's time.</param>
    public static SystemReadings Read(string path, DateTimeOffset? start = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var text = File.ReadAllText(path);
        var lines = text.Split('\n');
        var complete = text.EndsWith('\n');
        var file = Path.GetFileName(path);
        var samples = new List<(DateTimeOffset Time, JsonElement Root, JsonDocument Doc)>();
        var events = ImmutableArray.CreateBuilder<RunEvent>();
        var damaged = 0;
        int? cpuCount = null;
        // Split leaves an empty piece after a final line end; that is not a line.
        var count = complete ? lines.Length - 1 : lines.Length;
        try
        {
            for (var i = 0; i < count; i++)
            {
                var line = lines[i].TrimEnd('\r');
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }

                var problem = TryParse(line, out var doc, out var time);
                if (problem is null)
                {
                    samples.Add((time, doc!.RootElement, doc));
                    if (Number(doc.RootElement, "cpu_count") is { } c && c >= 1 && c <= 1_000_000)
                    {
                        cpuCount = (int)c;
                    }

                    continue;
                }

                if (i == count - 1 && !complete)
                {
                    continue; // the last sample, cut off when the recorder stopped
                }

                damaged++;
                if (damaged <= MaxDamageEvents)
                {
                    events.Add(new RunEvent(RunEventKind.ImportDamage,
                        string.Create(CultureInfo.InvariantCulture, $"{file} line {i + 1} is not a readable system sample ({problem}); it was skipped."),
                        File: path, Location: string.Create(CultureInfo.InvariantCulture, $"line {i + 1}")));
                }
            }

            if (damaged > MaxDamageEvents)
            {
                events.Add(new RunEvent(RunEventKind.ImportDamage,
                    string.Create(CultureInfo.InvariantCulture, $"{file}: {damaged - MaxDamageEvents} more damaged lines were skipped."), File: path));
            }

            var zero = start ?? (samples.Count > 0 ? samples[0].Time : DateTimeOffset.UnixEpoch);
            return new SystemReadings(Build(samples.Select(s => (s.Time, s.Root)), zero), events.ToImmutable(), cpuCount, samples.Count);
        }
        finally
        {
            foreach (var s in samples)
            {
                s.Doc.Dispose();
            }
        }
    }

    private static ImmutableSortedDictionary<string, Series> Build(IEnumerable<(DateTimeOffset Time, JsonElement Root)> samples, DateTimeOffset zero)
    {
        var points = new Dictionary<string, ImmutableArray<SeriesPoint>.Builder>(StringComparer.Ordinal);
        void Add(string key, long step, double wall, double? value)
        {
            if (value is not { } v || !double.IsFinite(v))
            {
                return;
            }

            if (!points.TryGetValue(key, out var list))
            {
                points[key] = list = ImmutableArray.CreateBuilder<SeriesPoint>();
            }

            list.Add(new SeriesPoint(step, v, double.NaN, wall));
        }

        foreach (var (time, root) in samples)
        {
            var step = Math.Max(0, (long)Math.Floor((time - zero).TotalSeconds));
            var wall = time.ToUnixTimeMilliseconds() / 1000.0;
            Add(SystemMetrics.CpuPercent, step, wall, Number(root, "cpu_percent"));
            Add(SystemMetrics.RssMib, step, wall, Number(root, "rss_bytes") is > 0 and var rss ? rss / Mebibyte : null);
            var hostTotal = Number(root, "host_memory_total_bytes");
            Add(SystemMetrics.HostMemoryPercent, step, wall,
                hostTotal is > 0 && Number(root, "host_memory_used_bytes") is { } hostUsed ? 100 * hostUsed / hostTotal : null);
            Add(SystemMetrics.GpuUtilPercent, step, wall, Number(root, "gpu_util_percent"));
            var gpuUsed = Number(root, "gpu_memory_used_mebibytes");
            var gpuTotal = Number(root, "gpu_memory_total_mebibytes");
            Add(SystemMetrics.GpuMemoryPercent, step, wall, gpuUsed is { } u && gpuTotal is > 0 ? 100 * u / gpuTotal : null);
            Add(SystemMetrics.GpuMemoryUsedMib, step, wall, gpuUsed);
            Add(SystemMetrics.GpuTemperatureC, step, wall, Number(root, "gpu_temperature_c"));
            Add(SystemMetrics.GpuPowerW, step, wall, Number(root, "gpu_power_w"));
        }

        return points.ToImmutableSortedDictionary(kv => kv.Key, kv => new Series(kv.Key, kv.Key[SystemMetrics.Prefix.Length..], kv.Value.ToImmutable()),
            StringComparer.Ordinal);
    }

    /// <summary>Null when the line is a sample (a JSON object with a readable <c>time</c>), else what is wrong with it.</summary>
    private static string? TryParse(string line, out JsonDocument? doc, out DateTimeOffset time)
    {
        time = default;
        try
        {
            doc = JsonDocument.Parse(line);
        }
        catch (JsonException ex)
        {
            doc = null;
            return "not valid JSON: " + ex.Message.Split('.')[0];
        }

        if (doc.RootElement.ValueKind != JsonValueKind.Object)
        {
            doc.Dispose();
            doc = null;
            return "not a JSON object";
        }

        if (!doc.RootElement.TryGetProperty("time", out var t) || t.ValueKind != JsonValueKind.String || !t.TryGetDateTimeOffset(out time))
        {
            doc.Dispose();
            doc = null;
            return "no readable time";
        }

        return null;
    }

    private static double? Number(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var d) ? d : null;
}

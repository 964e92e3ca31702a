using System.Diagnostics;
using System.Globalization;

namespace Runlens.Import.Output;

/// <summary>
/// Reads CPU time and resident memory of a process and its descendants from <c>/proc</c>, host memory from
/// <c>/proc/meminfo</c>, and the first GPU from <c>nvidia-smi --query-gpu=… --format=csv,noheader,nounits</c> when it
/// exists (no GPU is normal, not an error). Linux only; elsewhere the process fields stay empty.
/// </summary>
public sealed class SystemSampler(int rootPid)
{
    private static readonly long TicksPerSecond = 100; // USER_HZ on Linux
    private static readonly long PageSize = Environment.SystemPageSize;
    private (DateTimeOffset Time, long Ticks)? _last;
    private bool _noGpu;

    public SystemSample Sample()
    {
        var now = DateTimeOffset.UtcNow;
        long ticks = 0, rss = 0;
        foreach (var pid in Tree())
        {
            if (Stat(pid) is { } s)
            {
                ticks += s.Ticks;
                rss += s.RssPages * PageSize;
            }
        }

        double? cpu = _last is { } last && now > last.Time ? 100.0 * (ticks - last.Ticks) / TicksPerSecond / (now - last.Time).TotalSeconds : null;
        _last = (now, ticks);
        var (used, total) = HostMemory();
        var gpu = Gpu();
        return new SystemSample(now, cpu is { } c ? Math.Max(0, c) : null, rss, used, total, gpu?[0], gpu?[1], gpu?[2], gpu?[3], gpu?[4],
            Environment.ProcessorCount);
    }

    /// <summary>The root process and every descendant, from each process's parent id in /proc/PID/stat.</summary>
    private List<int> Tree()
    {
        var parents = new Dictionary<int, int>();
        try
        {
            foreach (var dir in Directory.EnumerateDirectories("/proc"))
            {
                if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && Stat(pid) is { } s)
                {
                    parents[pid] = s.Parent;
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        var tree = new List<int> { rootPid };
        for (var i = 0; i < tree.Count; i++)
        {
            tree.AddRange(parents.Where(p => p.Value == tree[i]).Select(p => p.Key));
        }

        return tree;
    }

    /// <summary>utime + stime (fields 14 and 15), parent (4) and rss pages (24) of /proc/PID/stat; the command name
    /// (field 2) may hold spaces, so fields are counted after its closing parenthesis.</summary>
    private static (long Ticks, int Parent, long RssPages)? Stat(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            var f = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(f[11], CultureInfo.InvariantCulture) + long.Parse(f[12], CultureInfo.InvariantCulture),
                int.Parse(f[1], CultureInfo.InvariantCulture), long.Parse(f[21], CultureInfo.InvariantCulture));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return null; // the process ended meanwhile
        }
    }

    private static (long Used, long Total) HostMemory()
    {
        try
        {
            long total = 0, available = 0;
            foreach (var line in File.ReadLines("/proc/meminfo"))
            {
                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length >= 2 && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var kb))
                {
                    total = parts[0] == "MemTotal:" ? kb * 1024 : total;
                    available = parts[0] == "MemAvailable:" ? kb * 1024 : available;
                }
            }

            return (total - available, total);
        }
        catch (IOException)
        {
            return (0, 0);
        }
    }

    private double?[]? Gpu()
    {
        if (_noGpu)
        {
            return null;
        }

        try
        {
            var psi = new ProcessStartInfo("nvidia-smi", "--query-gpu=utilization.gpu,memory.used,memory.total,temperature.gpu,power.draw --format=csv,noheader,nounits")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using var p = Process.Start(psi)!;
            var first = p.StandardOutput.ReadLine();
            p.WaitForExit(5000);
            return ParseGpuLine(first);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            _noGpu = true; // no nvidia-smi: no GPU, which is normal
            return null;
        }
    }

    /// <summary>The first line <c>nvidia-smi --query-gpu=utilization.gpu,memory.used,memory.total,temperature.gpu,power.draw
    /// --format=csv,noheader,nounits</c> prints, as exactly five values; a field the GPU does not report
    /// (<c>[N/A]</c>, <c>[Not Supported]</c>) or that is missing is null.</summary>
    internal static double?[]? ParseGpuLine(string? line)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return null;
        }

        var fields = line.Split(',');
        return [.. Enumerable.Range(0, 5).Select(i => i < fields.Length
            && double.TryParse(fields[i].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) ? d : (double?)null)];
    }
}

using System.Globalization;

namespace Runlens.Agent.Processes;

/// <summary>
/// Holds a child process and every process it starts to a resident-memory limit: every <c>every</c> it sums the resident
/// set (RSS, from <c>/proc/PID/statm</c>) of the process and its descendants (found through the parent ids in
/// <c>/proc/PID/stat</c>), and past the limit it calls <c>exceeded</c> once, which kills the tree. An RSS watchdog rather
/// than an address-space limit (<c>setrlimit(RLIMIT_AS)</c>, <c>prlimit</c>): .NET cannot set a limit in the child between
/// fork and exec; an address-space limit counts memory that is only reserved (PyTorch, OpenMP thread stacks and CUDA
/// reserve gigabytes they never touch), holds each process alone rather than the tree, and a soft one can be raised again
/// by the code it was meant to hold; and it needs no cgroup (no root, no systemd). Its limits: it sees memory only every
/// sample (an allocation faster than that can pass the limit before the kill), and pages shared between the processes
/// (a forked data loader's) count once per process. Linux only: elsewhere it watches nothing.
/// </summary>
public sealed class MemoryWatchdog : IAsyncDisposable
{
    private static readonly long PageSize = Environment.SystemPageSize;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _peak;
    private int _exceeded;

    private MemoryWatchdog(int pid, long limitBytes, TimeSpan every, Action exceeded)
    {
        LimitBytes = limitBytes;
        _loop = WatchAsync(pid, every, exceeded);
    }

    public long LimitBytes { get; }

    /// <summary>The largest resident total seen.</summary>
    public long PeakBytes => Interlocked.Read(ref _peak);

    /// <summary>Whether the tree passed the limit (and <c>exceeded</c> was called).</summary>
    public bool Exceeded => Volatile.Read(ref _exceeded) == 1;

    /// <summary>Whether this machine lets the watchdog see processes' memory.</summary>
    public static bool Supported => File.Exists("/proc/self/statm");

    /// <param name="exceeded">Called once, on a pool thread, when the tree's resident memory passes the limit.</param>
    public static MemoryWatchdog Start(int pid, long limitBytes, Action exceeded, TimeSpan? every = null)
    {
        ArgumentNullException.ThrowIfNull(exceeded);
        return new MemoryWatchdog(pid, limitBytes, every ?? TimeSpan.FromMilliseconds(100), exceeded);
    }

    /// <summary>What was seen, for the line that says why a process was stopped: <c>its processes held 1090 MB resident,
    /// past the limit of 1024 MB (SETTING)</c>.</summary>
    /// <param name="setting">The config key that sets the limit, e.g. <c>limits.memory_mb</c>.</param>
    public string Describe(string setting) => string.Create(CultureInfo.InvariantCulture,
        $"its processes held {PeakBytes / (1024 * 1024)} MB resident, past the limit of {LimitBytes / (1024 * 1024)} MB ({setting})");

    private async Task WatchAsync(int pid, TimeSpan every, Action exceeded)
    {
        if (!Supported)
        {
            return;
        }

        try
        {
            using var timer = new PeriodicTimer(every);
            do
            {
                var total = ResidentBytes(pid);
                if (total > Interlocked.Read(ref _peak))
                {
                    Interlocked.Exchange(ref _peak, total);
                }

                if (total > LimitBytes && Interlocked.Exchange(ref _exceeded, 1) == 0)
                {
                    exceeded();
                    return;
                }
            }
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>The resident memory of a process and all its descendants, in bytes (0 once it has ended).</summary>
    public static long ResidentBytes(int pid)
    {
        var parents = new Dictionary<int, List<int>>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p == pid)
            {
                continue;
            }

            if (ParentOf(dir) is { } parent)
            {
                if (!parents.TryGetValue(parent, out var children))
                {
                    parents[parent] = children = [];
                }

                children.Add(p);
            }
        }

        long total = 0;
        var todo = new Stack<int>([pid]);
        var seen = new HashSet<int>();
        while (todo.TryPop(out var p))
        {
            if (!seen.Add(p))
            {
                continue;
            }

            total += Resident(p);
            foreach (var c in parents.GetValueOrDefault(p) ?? [])
            {
                todo.Push(c);
            }
        }

        return total;
    }

    private static int? ParentOf(string dir)
    {
        try
        {
            // "PID (COMM) STATE PPID ...": COMM may hold spaces and parentheses, so the fields count from the last ')'.
            var stat = File.ReadAllText(Path.Combine(dir, "stat"));
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ', 3);
            return int.Parse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or ArgumentOutOfRangeException or IndexOutOfRangeException)
        {
            return null; // ended while it was read, or not ours to read
        }
    }

    private static long Resident(int pid)
    {
        try
        {
            var statm = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/statm").Split(' ');
            return long.Parse(statm[1], NumberStyles.None, CultureInfo.InvariantCulture) * PageSize;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 0;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }
}

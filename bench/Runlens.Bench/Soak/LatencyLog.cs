namespace Runlens.Bench.Soak;

/// <summary>Request latencies of one kind, collected over an interval and then taken (percentiles) and cleared.</summary>
internal sealed class LatencyLog(string name)
{
    private readonly List<double> _ms = [];
    private readonly Lock _gate = new();
    private long _failures;

    public string Name { get; } = name;

    public void Add(double milliseconds)
    {
        lock (_gate)
        {
            _ms.Add(milliseconds);
        }
    }

    public void Fail() => Interlocked.Increment(ref _failures);

    /// <summary>Count, p50, p95, p99 and max of the interval (zeros when nothing was timed) and the failures; clears both.</summary>
    public (int Count, double P50, double P95, double P99, double Max, long Failures) Take()
    {
        double[] sorted;
        lock (_gate)
        {
            sorted = [.. _ms.Order()];
            _ms.Clear();
        }

        var failures = Interlocked.Exchange(ref _failures, 0);
        if (sorted.Length == 0)
        {
            return (0, 0, 0, 0, 0, failures);
        }

        double At(double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        return (sorted.Length, At(0.50), At(0.95), At(0.99), sorted[^1], failures);
    }
}

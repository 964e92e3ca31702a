using System.Globalization;

namespace Runlens.Bench.Soak;

/// <summary>One interval of a soak: rate, memory (resident, managed now, live after the last full collection), the
/// diagnosis cache's runs, points of full diagnoses and of page forms, descriptors, threads, collections and each request kind's latencies.</summary>
internal sealed record SoakRow(double Minute, double PointsPerSecond, double RssMb, double HeapMb, double LiveMb, int CacheRuns,
    double CacheMillionPoints, double PageMillionPoints, int Fds, int Threads, int Gc0, int Gc1, int Gc2,
    IReadOnlyList<(int Count, double P50, double P95, double P99, double Max, long Failures)> Latency)
{
    public string Line() => string.Create(CultureInfo.InvariantCulture,
        $"{Minute,6:F1}  {PointsPerSecond,8:F0}  {RssMb,6:F0}  {HeapMb,7:F0}  {LiveMb,7:F0}  {CacheRuns,10}  {CacheMillionPoints,13:F2}  {PageMillionPoints,12:F2}  {Fds,3}  {Threads,7}  {Gc0,3}  {Gc1,3}  {Gc2,3}  ")
        + string.Join("  ", Latency.Select(l => string.Create(CultureInfo.InvariantCulture, $"{l.Count} {l.P50:F1}/{l.P95:F1}/{l.P99:F1}/{l.Max:F0} {l.Failures}")));
}

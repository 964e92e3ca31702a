using System.Diagnostics.Metrics;

namespace Runlens.Pipeline.Diagnosing;

/// <summary>The pipeline's counters (<see cref="Meter"/> <c>Runlens.Pipeline</c>), read by <c>runlens serve</c>'s
/// <c>/metrics</c> through a meter listener: stored runs' diagnoses answered from the cache (the run's version
/// unchanged; tagged <c>form</c>: <c>full</c> for the API and MCP, <c>page</c> for the run page) and made afresh
/// (misses).</summary>
public static class PipelineMetrics
{
    public const string MeterName = "Runlens.Pipeline";

    private static readonly Meter Meter = new(MeterName);

    public static Counter<long> CacheHits { get; } = Meter.CreateCounter<long>("diagnosis_cache_hits", "{diagnosis}", "Diagnoses answered from the cache");

    public static Counter<long> CacheMisses { get; } = Meter.CreateCounter<long>("diagnosis_cache_misses", "{diagnosis}", "Diagnoses made because none was kept for the run's version");

    internal static void Hit(bool hit, string form) =>
        (hit ? CacheHits : CacheMisses).Add(1, new KeyValuePair<string, object?>("form", form));
}

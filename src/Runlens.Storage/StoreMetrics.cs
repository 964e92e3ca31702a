using System.Diagnostics.Metrics;

namespace Runlens.Storage;

/// <summary>The store's counters (<see cref="Meter"/> <c>Runlens.Storage</c>), read by <c>runlens serve</c>'s
/// <c>/metrics</c> through a meter listener; nothing is recorded unless something listens.</summary>
public static class StoreMetrics
{
    public const string MeterName = "Runlens.Storage";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>New points stored by live changes (Runlens' API, the MLflow API, live runs).</summary>
    public static Counter<long> PointsAppended { get; } = Meter.CreateCounter<long>("points_appended", "{point}", "New points stored by live changes");
}

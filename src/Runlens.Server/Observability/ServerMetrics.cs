using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Prometheus;

namespace Runlens.Server.Observability;

/// <summary>
/// <c>/metrics</c> through prometheus-net, in a registry of this server's own: requests and their latency by method,
/// endpoint and status (prometheus-net's HTTP middleware: <c>http_requests_received_total</c>,
/// <c>http_request_duration_seconds</c>, <c>http_requests_in_progress</c>); the points stored and the diagnoses
/// answered from the cache or made (the store's and the pipeline's <see cref="Meter"/> counters, exported by
/// prometheus-net's meter adapter under the meter's name: <c>runlens_storage_points_appended</c>,
/// <c>runlens_pipeline_diagnosis_cache_hits</c>, <c>runlens_pipeline_diagnosis_cache_misses</c>, counts since the
/// process started); and the store's size on disk, read at each scrape (<c>runlens_store_size_bytes</c>: a SQLite file
/// with its write-ahead log, or a PostgreSQL store's tables with their indexes).
/// </summary>
internal sealed class ServerMetrics : IDisposable
{
    /// <summary>The meters whose instruments are exported (the store's and the pipeline's).</summary>
    private static readonly string[] Meters = [Storage.StoreMetrics.MeterName, Pipeline.Diagnosing.PipelineMetrics.MeterName];

    private readonly CollectorRegistry _registry;
    private readonly IDisposable _meters;

    private ServerMetrics(CollectorRegistry registry, IDisposable meters)
    {
        _registry = registry;
        _meters = meters;
    }

    /// <summary>Starts collecting: adds the HTTP middleware to <paramref name="app"/> (call it early, so every request is
    /// counted) and listens to the meters until the app stops.</summary>
    public static ServerMetrics Start(WebApplication app, ServerOptions options, Storage.IRunlensStore store)
    {
        var registry = Metrics.NewCustomRegistry();
        var factory = Metrics.WithCustomRegistry(registry);
        var meters = MeterAdapter.StartListening(new MeterAdapterOptions
        {
            Registry = registry,
            MetricFactory = factory,
            InstrumentFilterPredicate = i => Meters.Contains(i.Meter.Name),
        });
        var size = factory.CreateGauge("runlens_store_size_bytes", "Size of the store on disk: a SQLite database file and its write-ahead log, or a PostgreSQL store's tables with their indexes.");
        if (options.StoreFile is { } file)
        {
            registry.AddBeforeCollectCallback(() => size.Set(FileSize(file) + FileSize(file + "-wal")));
        }
        else if (store is Storage.IStoreSize sized)
        {
            registry.AddBeforeCollectCallback(async ct => size.Set(await sized.SizeBytesAsync(ct).ConfigureAwait(false)));
        }

        var metrics = new ServerMetrics(registry, meters);
        app.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopped.Register(metrics.Dispose);
        app.UseHttpMetrics(o => o.SetMetricFactory(factory));
        return metrics;
    }

    /// <summary>Maps <c>GET /metrics</c> (behind the token check when the server has one).</summary>
    public void Map(WebApplication app) => app.MapMetrics("/metrics", _registry);

    public void Dispose() => _meters.Dispose();

    private static long FileSize(string path)
    {
        try
        {
            return new FileInfo(path) is { Exists: true } f ? f.Length : 0;
        }
        catch (IOException)
        {
            return 0;
        }
    }
}

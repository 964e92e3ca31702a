namespace Runlens.Server;

/// <summary>How <c>runlens serve</c> runs.</summary>
/// <param name="Urls">Where Kestrel listens, e.g. <c>http://127.0.0.1:5000</c>.</param>
/// <param name="ArtifactRoot">The folder MLflow artifacts are written under; nothing outside it is ever read or written.</param>
/// <param name="AuthFile">A tokens.yaml (see <see cref="Auth.TokenFile"/>); null leaves the server open.</param>
public sealed record ServerOptions(string Urls, string ArtifactRoot, string? AuthFile = null)
{
    /// <summary>The largest JSON body the native API reads (point batches).</summary>
    public long MaxJsonBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>MLflow's request limit for a log-batch body (1 MB).</summary>
    public long MlflowBodyBytes { get; init; } = 1024 * 1024;

    /// <summary>Runs with more points than this get their page's charts at once and their diagnosis in the background
    /// (see <see cref="Ui.UiEndpoints"/>); smaller runs are diagnosed before the page is sent.</summary>
    public long InlineDiagnosisPoints { get; init; } = 1_000_000;

    /// <summary>The rule options runs are diagnosed with (<c>runlens serve --config FILE --set …</c>, else
    /// <c>runlens.yaml</c> in the working folder), the same as <c>runlens analyze</c> loads.</summary>
    public Pipeline.Settings.PipelineSettings Settings { get; init; } = Pipeline.Settings.PipelineSettings.Default;

    /// <summary>The largest artifact or predictions upload.</summary>
    public long MaxUploadBytes { get; init; } = 2L * 1024 * 1024 * 1024;

    /// <summary>The SQLite store's file, whose size <c>/metrics</c> reports; null for PostgreSQL.</summary>
    public string? StoreFile { get; init; }

    /// <summary>Endpoints other hosts add (MCP over HTTP at <c>/mcp</c>, added by the CLI).</summary>
    public IReadOnlyList<Hosting.ServerEndpoint> Endpoints { get; init; } = [];

    /// <summary>Whether <c>/metrics</c> serves Prometheus' text format (requests, latency, ingest, store size, diagnosis
    /// cache).</summary>
    public bool Metrics { get; init; } = true;

    /// <summary>How long a whole-series answer waits for its client to take each part written (a few hundred KB) before
    /// it takes the client for one that stopped reading and closes the connection: a minimum data rate of about 20 KB/s.
    /// The answer holds no turn while it waits (<see cref="Native.SeriesTurn"/>).</summary>
    public TimeSpan SeriesStallLimit { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>One structured log line per request on stderr: <see cref="Observability.RequestLogFormat"/>.</summary>
    public Observability.RequestLogFormat RequestLog { get; init; } = Observability.RequestLogFormat.Off;
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Runlens.Pipeline.Diagnosing;
using Runlens.Pipeline.Resolution;
using Runlens.Pipeline.Stores;
using Runlens.Server.Auth;
using Runlens.Server.Http;
using Runlens.Server.Mlflow;
using Runlens.Server.Native;
using Runlens.Server.Observability;
using Runlens.Storage;
using Runlens.Storage.Search;

namespace Runlens.Server;

/// <summary>
/// <c>runlens serve</c>: Kestrel with Runlens' own API (<see cref="NativeApi"/>), the MLflow tracking API
/// (<see cref="MlflowApi"/>, <see cref="ArtifactApi"/>), optional bearer tokens, and one error shape for every refusal;
/// <c>/metrics</c> in Prometheus' format, one structured log line per request, and the endpoints other hosts add
/// (<see cref="ServerOptions.Endpoints"/>: MCP over HTTP at <c>/mcp</c>).
/// A thin host: the pipeline (<see cref="StoredDiagnoses"/>: the run, its uploads, the rule options of
/// <see cref="ServerOptions.Settings"/>, the diagnosis kept by run version) and the store do the work.
/// </summary>
public static class RunlensServer
{
    /// <summary>What <c>GET /version</c> answers: the MLflow version whose wire protocol this server speaks.</summary>
    public const string MlflowVersion = "2.12.2";

    /// <summary>Builds the server over an open store (the caller owns and disposes it); <see cref="FormatException"/>
    /// for an unreadable token file.</summary>
    public static WebApplication Build(ServerOptions options, IRunlensStore store) =>
        Build(options, StoreAccess.Of(store));

    /// <summary>Builds the server over an open store (the caller owns and disposes it); <see cref="FormatException"/>
    /// for an unreadable token file.</summary>
    public static WebApplication Build(ServerOptions options, StoreAccess store)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(store);
        var tokens = options.AuthFile is { } file ? TokenFile.Load(file) : null;
        Directory.CreateDirectory(options.ArtifactRoot);

        // Runlens reads no appsettings.json: with the working folder as content root and the default
        // reloadConfigOnChange, the host put an inotify watch on every folder under it (101 watches in a folder of 100
        // subfolders), and a store beside a large data tree could exhaust the user's inotify limit.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ContentRootPath = AppContext.BaseDirectory,
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
        });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(options.Urls);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = Math.Max(options.MaxJsonBytes, options.MaxUploadBytes);
            k.AddServerHeader = false;
            // Kestrel answers longer request lines with an empty 414; up to this size ResponseHeadersMiddleware says why.
            k.Limits.MaxRequestLineSize = 8 * ResponseHeadersMiddleware.MaxUrlBytes;
            k.Limits.MaxRequestHeadersTotalSize = Math.Max(k.Limits.MaxRequestHeadersTotalSize, 9 * ResponseHeadersMiddleware.MaxUrlBytes);
        });
        builder.Services.AddRoutingCore();
        var diagnosis = StoredDiagnoses.Over(store, options.Settings);
        RequestLog.Configure(builder, options.RequestLog);
        foreach (var endpoint in options.Endpoints)
        {
            endpoint.AddServices(builder.Services, diagnosis);
        }

        var app = builder.Build();
        RequestLog.Use(app, options.RequestLog);
        var metrics = options.Metrics ? ServerMetrics.Start(app, options, store.Store) : null;

        app.UseMiddleware<ResponseHeadersMiddleware>();
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context).ConfigureAwait(false);
            }
            catch (Exception ex) when (Refusal(ex) is { } refusal && !context.Response.HasStarted)
            {
                await JsonResponses.ErrorAsync(context, refusal).ConfigureAwait(false);
            }
        });
        if (tokens is not null)
        {
            app.UseMiddleware<TokenAuthMiddleware>(tokens, options.Endpoints.Select(e => e.Path).ToArray());
        }

        metrics?.Map(app);

        app.MapGet("/health", () => Results.Text("OK", "text/html"));
        app.MapGet("/version", () => Results.Text(MlflowVersion, "text/plain"));
        new NativeApi(store, options, diagnosis).Map(app);
        new Ui.UiEndpoints(diagnosis, options).Map(app);
        new MlflowApi(store, options).Map(app);
        new ArtifactApi(options).Map(app);
        foreach (var endpoint in options.Endpoints)
        {
            endpoint.Map(app);
        }
        app.MapFallback(context => JsonResponses.ErrorAsync(context, new ApiException(ErrorCodes.EndpointNotFound,
            $"No endpoint {context.Request.Method} {context.Request.Path}; see docs/api.md for Runlens' API and the MLflow REST API for /api/2.0/mlflow.")));
        return app;
    }

    /// <summary>The answer for an exception: every refusal becomes a 4xx with a message; anything else a 500 that says
    /// what failed (never a stack trace).</summary>
    private static ApiException? Refusal(Exception ex) => ex switch
    {
        ApiException api => api,
        SearchSyntaxException search => ApiException.Invalid(search.Message),
        RunNotFoundException notFound => ApiException.NotFound(notFound.Message),
        AlreadyExistsException exists => new ApiException(ErrorCodes.AlreadyExists, exists.Message),
        StoreException store => ApiException.Invalid(store.Message),
        Import.RunImportException import => ApiException.Invalid(import.Message),
        BadHttpRequestException bad when bad.StatusCode == 413 => new ApiException(ErrorCodes.TooLarge, "Request body too large for this endpoint."),
        BadHttpRequestException bad => ApiException.Invalid("Bad request: " + bad.Message),
        OperationCanceledException => null,
        _ => new ApiException(ErrorCodes.Internal, $"Internal error ({ex.GetType().Name}): {ex.Message}"),
    };
}

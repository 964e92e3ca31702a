using System.CommandLine;
using Runlens.Mcp.Http;
using Runlens.Pipeline.Stores;
using Runlens.Server;
using Runlens.Server.Configuration;
using Runlens.Server.Hosting;
using Runlens.Server.Observability;

namespace Runlens.Cli.Commands;

/// <summary><c>runlens serve [--store …] [--urls URL] [--artifacts DIR] [--auth tokens.yaml] [--config FILE]</c>: the run
/// store over HTTP (Runlens' API, the MLflow tracking API, the web UI, MCP at <c>/mcp</c>, <c>/metrics</c>) until Ctrl+C.
/// Every option can also be set under <c>serve:</c> in the options file and by its environment variable
/// (<see cref="ServeConfig"/>); the command line wins, then the environment, then the file.</summary>
internal static class ServeCommand
{
    public static Command Build()
    {
        var store = StoreOption.Create();
        var urls = new Option<string?>("--urls") { Description = $"Where to listen (default {DefaultUrls}; use 0.0.0.0 only with --auth)" };
        var artifacts = new Option<string?>("--artifacts") { Description = "Folder for MLflow artifacts (default: artifacts/ beside a SQLite store, else ~/.runlens/artifacts)" };
        var auth = new Option<string?>("--auth") { Description = "tokens.yaml with bearer tokens and their scopes (read, write); without it the server is open" };
        var settings = new SettingsOptions();
        var command = new Command("serve", "Serve the run store: Runlens' JSON API, the MLflow tracking REST API (MLFLOW_TRACKING_URI=http://127.0.0.1:5000), the web UI, MCP over HTTP at /mcp and Prometheus metrics at /metrics. --config FILE (or ./runlens.yaml) may hold every option under 'serve:' and the rule options under 'rules:'; environment variables override the file (docs/serve.md).")
        {
            store, urls, artifacts, auth,
        };
        settings.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            if (settings.LoadOrReport(parse) is not { } loaded)
            {
                return ExitCodes.Usage;
            }

            ServeConfig config;
            try
            {
                config = ServeConfig.Read(loaded.File, Environment.GetEnvironmentVariable);
            }
            catch (FormatException ex)
            {
                await Console.Error.WriteLineAsync("runlens: " + ex.Message);
                return ExitCodes.Usage;
            }

            var spec = StoreOption.Resolve(parse.GetValue(store) ?? config.Store);
            var artifactRoot = parse.GetValue(artifacts) ?? config.Artifacts ?? DefaultArtifacts(spec);
            var defaults = new ServerOptions(DefaultUrls, artifactRoot);
            var options = new ServerOptions(parse.GetValue(urls) ?? config.Urls ?? DefaultUrls, artifactRoot, parse.GetValue(auth) ?? config.Auth)
            {
                Settings = loaded,
                MaxJsonBytes = config.MaxJsonBytes ?? defaults.MaxJsonBytes,
                MaxUploadBytes = config.MaxUploadBytes ?? defaults.MaxUploadBytes,
                MlflowBodyBytes = config.MlflowBodyBytes ?? defaults.MlflowBodyBytes,
                InlineDiagnosisPoints = config.InlineDiagnosisPoints ?? defaults.InlineDiagnosisPoints,
                Metrics = config.Metrics ?? true,
                RequestLog = config.RequestLog ?? RequestLogFormat.Json,
                StoreFile = Storage.Postgres.PostgresRunStore.IsPostgres(spec) ? null : Path.GetFullPath(spec),
                Endpoints = config.Mcp ?? true ? [new ServerEndpoint(McpHttpEndpoint.Path, McpHttpEndpoint.AddServices, McpHttpEndpoint.Map)] : [],
            };
            await using var s = await StoreLocation.OpenAsync(spec, Storage.StoreOpenMode.OpenOrCreate, ct);
            Microsoft.AspNetCore.Builder.WebApplication app;
            try
            {
                app = RunlensServer.Build(options, s);
            }
            catch (FormatException ex)
            {
                await Console.Error.WriteLineAsync("runlens: " + ex.Message);
                return ExitCodes.BadInput;
            }

            await using (app)
            {
                try
                {
                    await app.StartAsync(ct);
                }
                catch (IOException ex)
                {
                    await Console.Error.WriteLineAsync($"runlens: cannot listen on {options.Urls}: {ex.Message}. Choose another port with --urls.");
                    return ExitCodes.BadInput;
                }

                if (options.AuthFile is null && !options.Urls.Split(';').All(u => u.Contains("127.0.0.1", StringComparison.Ordinal) || u.Contains("localhost", StringComparison.OrdinalIgnoreCase) || u.Contains("[::1]", StringComparison.Ordinal)))
                {
                    await Console.Error.WriteLineAsync("runlens serve: warning: listening beyond this machine without --auth: anyone who can reach it can read and write runs");
                }

                await Console.Error.WriteLineAsync($"runlens serve: listening on {options.Urls} (store {Shown(spec)}, artifacts {artifactRoot}, auth {(options.AuthFile is null ? "off" : "on")}, {(options.Endpoints.Count > 0 ? "MCP at /mcp, " : "")}{(options.Metrics ? "metrics at /metrics, " : "")}request log {options.RequestLog.ToString().ToLowerInvariant()}{(loaded.File is { } f ? ", rule options " + f : "")}); Ctrl+C stops");
                try
                {
                    await Task.Delay(Timeout.Infinite, ct);
                }
                catch (OperationCanceledException)
                {
                }

                await app.StopAsync(CancellationToken.None);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private const string DefaultUrls = "http://127.0.0.1:5000";

    private static string DefaultArtifacts(string spec) =>
        Storage.Postgres.PostgresRunStore.IsPostgres(spec)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".runlens", "artifacts")
            : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(spec))!, "artifacts");

    /// <summary>The store without a password.</summary>
    private static string Shown(string spec) =>
        Storage.Postgres.PostgresRunStore.IsPostgres(spec) ? System.Text.RegularExpressions.Regex.Replace(spec, "(?i)(password=)[^;]*|(://[^:/@]+:)[^@]*@", m => m.Groups[1].Success ? m.Groups[1].Value + "***" : m.Groups[2].Value + "***@") : spec;
}

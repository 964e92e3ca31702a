using System.CommandLine;
using Runlens.Pipeline.Stores;
using Runlens.Server;

namespace Runlens.Cli.Commands;

/// <summary><c>runlens serve [--store …] [--urls URL] [--artifacts DIR] [--auth tokens.yaml]</c>: the run store over HTTP
/// (Runlens' API and the MLflow tracking API) until Ctrl+C.</summary>
internal static class ServeCommand
{
    public static Command Build()
    {
        var store = StoreOption.Create();
        var urls = new Option<string>("--urls") { Description = "Where to listen (use 0.0.0.0 only with --auth)", DefaultValueFactory = _ => "http://127.0.0.1:5000" };
        var artifacts = new Option<string?>("--artifacts") { Description = "Folder for MLflow artifacts (default: artifacts/ beside a SQLite store, else ~/.runlens/artifacts)" };
        var auth = new Option<string?>("--auth") { Description = "tokens.yaml with bearer tokens and their scopes (read, write); without it the server is open" };
        var settings = new SettingsOptions();
        var command = new Command("serve", "Serve the run store: Runlens' JSON API and the MLflow tracking REST API (MLFLOW_TRACKING_URI=http://127.0.0.1:5000).")
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

            var spec = StoreOption.Resolve(parse.GetValue(store));
            var artifactRoot = parse.GetValue(artifacts) ?? DefaultArtifacts(spec);
            var options = new ServerOptions(parse.GetValue(urls)!, artifactRoot, parse.GetValue(auth)) { Settings = loaded };
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

                await Console.Error.WriteLineAsync($"runlens serve: listening on {options.Urls} (store {Shown(spec)}, artifacts {artifactRoot}, auth {(options.AuthFile is null ? "off" : "on")}{(loaded.File is { } f ? ", rule options " + f : "")}); Ctrl+C stops");
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

    private static string DefaultArtifacts(string spec) =>
        Storage.Postgres.PostgresRunStore.IsPostgres(spec)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".runlens", "artifacts")
            : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(spec))!, "artifacts");

    /// <summary>The store without a password.</summary>
    private static string Shown(string spec) =>
        Storage.Postgres.PostgresRunStore.IsPostgres(spec) ? System.Text.RegularExpressions.Regex.Replace(spec, "(?i)(password=)[^;]*|(://[^:/@]+:)[^@]*@", m => m.Groups[1].Success ? m.Groups[1].Value + "***" : m.Groups[2].Value + "***@") : spec;
}

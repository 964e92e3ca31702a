using System.CommandLine;
using System.Globalization;
using Runlens.Import.Output;
using Runlens.Live.Control;
using Runlens.Live.Watch;
using Runlens.Pipeline.Diagnosing;
using Runlens.Pipeline.Resolution;
using Runlens.Pipeline.Sources;
using Runlens.Pipeline.Stores;

namespace Runlens.Cli.Commands;

/// <summary><c>runlens watch PATH|RUN-ID [--store S | --server URL] [--alerts FILE] [--format text|json]</c>: diagnoses
/// a run again as its points arrive and prints each new finding once, as it appears.</summary>
internal static class WatchCommand
{
    public static Command Build()
    {
        var target = new Argument<string>("run") { Description = "A training log (file or folder) being written, or a run id with --store or --server" };
        var store = StoreOption.Create();
        var server = new Option<string?>("--server") { Description = "A Runlens server (runlens serve) holding the run, e.g. http://127.0.0.1:5000; token from $RUNLENS_TOKEN" };
        var alerts = new Option<string?>("--alerts") { Description = "Alert rules (YAML, docs/alerts.md): which findings, thresholds and stalls to send where, and which recovery actions to take" };
        var control = new Option<string?>("--control") { Description = "Where recovery actions are written (default: control.json beside the log; with --store or --server, the run's control document there, served at /api/runs/{id}/control)" };
        var format = new Option<string>("--format") { Description = "text for people, json for one JSON object per line", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var interval = new Option<double>("--interval") { Description = "Seconds between two looks when polling, and the shortest time between two full diagnoses (a log read incrementally is also looked at as soon as the system reports a change)", DefaultValueFactory = _ => 1 };
        var idle = new Option<double>("--idle-exit") { Description = "Stop watching after this many minutes without new points (0: never)", DefaultValueFactory = _ => 0 };
        var settings = new SettingsOptions();
        var watch = new Command("watch", "Watch a run while it trains: diagnose it again as points arrive and print each new finding once; send alerts and write recovery actions.")
        {
            target, store, server, alerts, control, format, interval, idle,
        };
        settings.AddTo(watch);
        watch.SetAction(async (parse, ct) =>
        {
            if (settings.LoadOrReport(parse) is not { } loaded)
            {
                return ExitCodes.Usage;
            }

            var what = parse.GetValue(target)!;
            var url = parse.GetValue(server);
            var seconds = parse.GetValue(interval);
            if (seconds is < 0.05 or > 3600)
            {
                await Console.Error.WriteLineAsync("runlens: --interval must be from 0.05 to 3600 seconds");
                return ExitCodes.Usage;
            }

            using var setup = LiveSetup.CreateOrReport(parse.GetValue(alerts));
            if (setup is null)
            {
                return ExitCodes.BadInput;
            }

            using var http = url is null ? null : Http(url);
            StoreAccess? opened = null;
            IRunSource source;
            IControlChannel? channel;
            if (http is not null)
            {
                source = new ServerRunSource(http, what);
                channel = parse.GetValue(control) is { } file ? new FileControlChannel(file, what) : new ServerControlChannel(http, what);
            }
            else if (File.Exists(what) || Directory.Exists(what))
            {
                source = WatchSources.ForPath(what);
                var folder = Directory.Exists(what) ? what : Path.GetDirectoryName(Path.GetFullPath(what))!;
                channel = new FileControlChannel(parse.GetValue(control) ?? Path.Combine(folder, ControlDocument.FileName), what);
            }
            else if (parse.GetValue(store) is not null || StoreOption.Exists(null))
            {
                opened = await StoreLocation.OpenAsync(parse.GetValue(store), Storage.StoreOpenMode.OpenExisting, ct);
                source = new StoreRunSource(new StoredRuns(opened), what);
                channel = parse.GetValue(control) is { } file ? new FileControlChannel(file, what) : null; // else the store's, once the run's id is known
            }
            else
            {
                await Console.Error.WriteLineAsync($"runlens: {what}: no such file or folder, and no run store to look it up in. Give a log path, or a run id with --store or --server.");
                return ExitCodes.BadInput;
            }

            await using var _ = opened;
            using var tailed = source as TailRunSource;
            var first = default(SourceRead);
            if (tailed is null)
            {
                first = await source.ReadAsync(ct);
                if (first is { Run: null, Problem: { } problem } && source is not PathRunSource)
                {
                    await Console.Error.WriteLineAsync($"runlens: {problem}. Check the run id (runlens runs lists them) and the store or server.");
                    return ExitCodes.BadInput;
                }

                source = new ReadAlready(source, first);
            }

            var json = parse.GetValue(format) == "json";
            if (channel is null && opened is not null)
            {
                channel = new StoreControlChannel(opened.Live, first.Run!.Identity.Id);
            }

            var existing = channel switch
            {
                FileControlChannel file => ExistingControl(file.Path),
                ServerControlChannel => await ServerControl(http!, what, ct),
                StoreControlChannel => await StoreControlChannel.ReadAsync(opened!.Live, first.Run!.Identity.Id, ct),
                _ => null,
            };
            var monitor = setup.Monitor(Console.Out, json, channel, existing: existing);
            var watcher = monitor.Attach(new RunWatcher(source, new DiagnosisService(loaded), new WatchOptions(TimeSpan.FromSeconds(seconds))));
            var idleFor = TimeSpan.FromMinutes(parse.GetValue(idle));
            if (!json)
            {
                await Console.Error.WriteLineAsync($"runlens watch: watching {source.Description}; Ctrl-C to stop");
            }

            var turns = 0;
            var last = await watcher.RunAsync(cycle =>
            {
                turns++;
                return cycle.Ended || (idleFor > TimeSpan.Zero && cycle.LastChange is { } changed && cycle.Now - changed >= idleFor);
            }, ct);
            if (!json)
            {
                await Console.Error.WriteLineAsync(last is null
                    ? $"runlens watch: stopped after {turns} look(s); the run could not be read"
                    : string.Create(CultureInfo.InvariantCulture, $"runlens watch: stopped after {turns} look(s); {last.Findings.Length} finding(s), status {last.Run.Status.ToString().ToLowerInvariant()}, {monitor.Actions.Count} action(s)"));
            }

            return ExitCodes.Ok;
        });
        return watch;
    }

    /// <summary>The actions already on the server, so that a watcher started again does not repeat them; null when they
    /// cannot be read (the channel says so when it first writes).</summary>
    private static async Task<ControlDocument?> ServerControl(HttpClient http, string run, CancellationToken ct)
    {
        try
        {
            return await ServerControlChannel.ReadAsync(http, run, ct);
        }
        catch (Exception ex) when (ex is HttpRequestException or FormatException)
        {
            return null;
        }
    }

    /// <summary>The actions already in a control file, so that a watcher started again does not repeat them.</summary>
    internal static ControlDocument? ExistingControl(string path)
    {
        try
        {
            return File.Exists(path) ? ControlDocument.Parse(File.ReadAllText(path)) : null;
        }
        catch (Exception ex) when (ex is FormatException or IOException)
        {
            return null; // the channel says what is wrong with it when it first writes
        }
    }

    /// <summary>Hands the watcher what the check before watching read, then reads on.</summary>
    private sealed class ReadAlready(IRunSource inner, SourceRead first) : IRunSource
    {
        private SourceRead? _first = first;

        public string Description => inner.Description;

        public Task<SourceRead> ReadAsync(CancellationToken cancellationToken)
        {
            if (_first is { } read)
            {
                _first = null;
                return Task.FromResult(read);
            }

            return inner.ReadAsync(cancellationToken);
        }
    }

    /// <summary>A client for a Runlens server, with the bearer token from <c>$RUNLENS_TOKEN</c> when set.</summary>
    internal static HttpClient Http(string url)
    {
        var http = new HttpClient { BaseAddress = new Uri(url.EndsWith('/') ? url : url + "/"), Timeout = TimeSpan.FromSeconds(30) };
        if (Environment.GetEnvironmentVariable("RUNLENS_TOKEN") is { Length: > 0 } token)
        {
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        return http;
    }
}

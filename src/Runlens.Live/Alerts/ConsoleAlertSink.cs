namespace Runlens.Live.Alerts;

/// <summary>One readable line per alert (<see cref="AlertPayloads.Line"/>) to a text writer, usually stderr.</summary>
public sealed class ConsoleAlertSink(TextWriter writer) : IAlertSink
{
    private readonly Lock _gate = new();

    public string Name => "console";

    public Task SendAsync(Alert alert, CancellationToken cancellationToken)
    {
        var line = AlertPayloads.Line(alert);
        lock (_gate)
        {
            writer.WriteLine(line);
            writer.Flush();
        }

        return Task.CompletedTask;
    }
}

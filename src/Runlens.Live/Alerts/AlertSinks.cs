using System.Text;

namespace Runlens.Live.Alerts;

/// <summary>Somewhere alerts go. <see cref="SendAsync"/> throws when the alert could not be delivered (after the sink's own
/// retries); <see cref="AlertEngine"/> turns that into a warning and carries on with the other sinks.</summary>
public interface IAlertSink
{
    /// <summary>A short name for warnings: <c>console</c>, <c>file alerts.jsonl</c>, <c>slack https://…</c>.</summary>
    string Name { get; }

    Task SendAsync(Alert alert, CancellationToken cancellationToken);
}

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

/// <summary>Appends one <c>runlens.alert/v1</c> JSON object per line (<see cref="AlertPayloads.Json"/>) to a file, creating
/// it and its folder when needed.</summary>
public sealed class FileAlertSink(string path) : IAlertSink
{
    private static readonly Lock Gate = new();

    public string Path { get; } = System.IO.Path.GetFullPath(path);

    public string Name => "file " + Path;

    public Task SendAsync(Alert alert, CancellationToken cancellationToken)
    {
        var line = AlertPayloads.Json(alert) + "\n";
        lock (Gate)
        {
            if (System.IO.Path.GetDirectoryName(Path) is { Length: > 0 } folder)
            {
                Directory.CreateDirectory(folder);
            }

            File.AppendAllText(Path, line, new UTF8Encoding(false));
        }

        return Task.CompletedTask;
    }
}

using System.Text;

namespace Runlens.Live.Alerts;

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

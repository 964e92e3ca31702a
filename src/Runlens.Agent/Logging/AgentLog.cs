using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Runlens.Agent.Registry;

namespace Runlens.Agent.Logging;

/// <summary>
/// The structured log of one agent run (seed 003 §7): JSON lines in <c>logs/agent-TIMESTAMP.jsonl</c>, each with its
/// level and the goal's correlation id, flushed line by line. A start and every resume write their own log. Lines at
/// <see cref="AgentLogLevel.Info"/> and above are also shown on the console as one readable line each.
/// </summary>
public sealed class AgentLog : IDisposable
{
    private readonly StreamWriter _file;
    private readonly TextWriter? _console;
    private readonly Lock _gate = new();

    public AgentLog(string path, string correlationId, TextWriter? console)
    {
        ArgumentNullException.ThrowIfNull(path);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        _file = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read)) { AutoFlush = true };
        FilePath = path;
        CorrelationId = correlationId;
        _console = console;
    }

    /// <summary>The log file.</summary>
    public string FilePath { get; }

    public string CorrelationId { get; }

    /// <summary>A new log file name for a run that starts now.</summary>
    public static string NewFileName(DateTimeOffset now) =>
        "agent-" + now.UtcDateTime.ToString("yyyyMMdd-HHmmss-fff", CultureInfo.InvariantCulture) + ".jsonl";

    public void Write(AgentLogLevel level, string @event, string message, string? experiment = null, string? tool = null, JsonObject? data = null)
    {
        var entry = new AgentLogEntry(AgentLogEntry.SchemaName, DateTimeOffset.UtcNow, level, CorrelationId, @event, message, experiment, tool, data);
        var line = JsonSerializer.Serialize(entry, AgentJson.Line.AgentLogEntry);
        lock (_gate)
        {
            _file.WriteLine(line);
            if (_console is not null && level >= AgentLogLevel.Info)
            {
                _console.WriteLine($"runlens agent: {(level >= AgentLogLevel.Warning ? level.ToString().ToLowerInvariant() + ": " : "")}{(experiment is null ? "" : experiment + ": ")}{message}");
            }
        }
    }

    public void Info(string @event, string message, string? experiment = null, string? tool = null, JsonObject? data = null) =>
        Write(AgentLogLevel.Info, @event, message, experiment, tool, data);

    public void Debug(string @event, string message, string? experiment = null, string? tool = null, JsonObject? data = null) =>
        Write(AgentLogLevel.Debug, @event, message, experiment, tool, data);

    public void Warning(string @event, string message, string? experiment = null, string? tool = null, JsonObject? data = null) =>
        Write(AgentLogLevel.Warning, @event, message, experiment, tool, data);

    public void Error(string @event, string message, string? experiment = null, string? tool = null, JsonObject? data = null) =>
        Write(AgentLogLevel.Error, @event, message, experiment, tool, data);

    public void Dispose() => _file.Dispose();
}

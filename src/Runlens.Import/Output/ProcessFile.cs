using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Runlens.Model;

namespace Runlens.Import.Output;

/// <summary>
/// <c>process.json</c>, how <c>runlens run</c> records the process it ran: the command, start and end, exit code and
/// signal, the failures its output showed (<see cref="OutputClassifier"/>), the system samples taken, and the trainer's
/// log that was diagnosed with it (relative to the folder when it is inside). Written when the process ends, and read
/// back by <see cref="RunFolder"/>, so that <c>runlens analyze DIR</c> sees what <c>runlens run</c> saw.
/// </summary>
public static class ProcessFile
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static void Write(string folder, RecordedProcess process, string? trainerLog = null)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(process);
        var events = new JsonArray();
        foreach (var e in process.Events)
        {
            events.Add(new JsonObject
            {
                ["kind"] = e.Kind.ToString().ToLowerInvariant(),
                ["message"] = e.Message,
                ["file"] = e.File,
                ["location"] = e.Location,
            });
        }

        var doc = new JsonObject
        {
            ["command"] = new JsonArray([.. process.Command.Select(c => (JsonNode?)JsonValue.Create(c))]),
            ["start"] = process.Start,
            ["end"] = process.End,
            ["duration_seconds"] = (process.End - process.Start).TotalSeconds,
            ["exit_code"] = process.ExitCode,
            ["signal"] = process.ExitCode is > 128 and < 160 ? process.ExitCode - 128 : null,
            ["samples"] = process.Samples,
            ["events"] = events,
        };
        if (trainerLog is not null)
        {
            var full = Path.GetFullPath(folder);
            var relative = Path.GetRelativePath(full, Path.GetFullPath(trainerLog));
            doc["trainer_log"] = relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? Path.GetFullPath(trainerLog) : relative;
        }

        File.WriteAllText(Path.Combine(folder, ProcessRecorder.ProcessFile), doc.ToJsonString(Json));
    }

    /// <summary>The process recorded in <paramref name="folder"/>, and the trainer's log named there (as a path to open:
    /// a relative one is under the folder), or null.</summary>
    /// <exception cref="RunImportException">The file cannot be read or is not a process record: where and why.</exception>
    public static (RecordedProcess Process, string? TrainerLog) Read(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        var path = Path.Combine(folder, ProcessRecorder.ProcessFile);
        JsonObject doc;
        try
        {
            doc = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new JsonException("not a JSON object");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new RunImportException(path, null, $"cannot read the process record of `runlens run`: {ex.Message}", "run it again, or analyse the trainer's log itself");
        }

        try
        {
            var events = new List<RunEvent>();
            foreach (var e in doc["events"] as JsonArray ?? [])
            {
                if (e is not JsonObject o || !Enum.TryParse<RunEventKind>((string?)o["kind"], ignoreCase: true, out var kind))
                {
                    throw new FormatException($"events[{events.Count}] needs a \"kind\" such as error or warning");
                }

                events.Add(new RunEvent(kind, (string?)o["message"] ?? "", null, (string?)o["file"], (string?)o["location"]));
            }

            var process = new RecordedProcess(
                [.. (doc["command"] as JsonArray ?? []).Select(c => (string?)c ?? "")],
                DateTimeOffset.Parse(Required(doc, "start").GetValue<string>(), CultureInfo.InvariantCulture),
                DateTimeOffset.Parse(Required(doc, "end").GetValue<string>(), CultureInfo.InvariantCulture),
                Required(doc, "exit_code").GetValue<int>(),
                events,
                (int?)doc["samples"] ?? 0);
            var log = (string?)doc["trainer_log"];
            return (process, log is null ? null : Path.IsPathRooted(log) ? log : Path.Combine(folder, log));
        }
        catch (Exception ex) when (ex is FormatException or InvalidOperationException or JsonException)
        {
            throw new RunImportException(path, null, $"not a process record of `runlens run` ({ex.Message})", "run it again, or analyse the trainer's log itself");
        }
    }

    private static JsonNode Required(JsonObject doc, string name) =>
        doc[name] ?? throw new FormatException($"\"{name}\" is missing");
}

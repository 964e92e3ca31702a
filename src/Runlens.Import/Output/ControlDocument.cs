using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Runlens.Import.Output;

/// <summary>
/// The control document of one run (schema <c>runlens.control/v1</c>):
/// <code>{"schema": "runlens.control/v1", "run": "ID", "actions": [
///   {"id": "a1", "action": "reduce_lr", "factor": 0.5, "reason": "…", "rule": "RL0302", "finding": "…", "step": 1200, "issued_at": "2026-12-01T10:00:00+00:00"},
///   {"id": "a2", "action": "stop", "reason": "…"},
///   {"id": "a3", "action": "rollback", "checkpoint": "out/checkpoint-800", "reason": "…"}]}</code>
/// Actions only ever get appended; a trainer applies each id once.
/// </summary>
public sealed record ControlDocument(string Run, IReadOnlyList<ControlAction> Actions)
{
    public const string Schema = ControlDocumentJson.CurrentSchema;
    public const string FileName = "control.json";

    public static ControlDocument Empty(string run) => new(run, []);

    public static string Verb(ControlVerb verb) => verb switch
    {
        ControlVerb.Stop => "stop",
        ControlVerb.ReduceLr => "reduce_lr",
        ControlVerb.Rollback => "rollback",
        _ => throw new ArgumentOutOfRangeException(nameof(verb)),
    };

    public static ControlVerb? ParseVerb(string? text) => text switch
    {
        "stop" => ControlVerb.Stop,
        "reduce_lr" => ControlVerb.ReduceLr,
        "rollback" => ControlVerb.Rollback,
        _ => null,
    };

    public ControlDocument With(ControlAction action) => this with { Actions = [.. Actions, action] };

    /// <summary>The next free action id.</summary>
    public string NextId() => "a" + (Actions.Count + 1).ToString(CultureInfo.InvariantCulture);

    /// <summary>The document as JSON (indented), written from <see cref="ControlDocumentJson"/> through <see cref="ControlJson"/>.</summary>
    public string ToJson() =>
        JsonSerializer.Serialize(new ControlDocumentJson(Schema, Run, [.. Actions.Select(Contract)]), ControlJson.Indented.ControlDocumentJson);

    /// <summary>One action as the document holds it (and as <c>POST /api/runs/{id}/control</c> takes it).</summary>
    public static JsonObject ActionJson(ControlAction a) =>
        JsonSerializer.SerializeToNode(Contract(a), ControlJson.Compact.ControlActionJson)!.AsObject();

    private static ControlActionJson Contract(ControlAction a) =>
        new(a.Id, Verb(a.Action), a.Reason, a.Factor, a.Checkpoint, a.RuleId, a.Finding, a.Step, a.IssuedAt.ToString("O", CultureInfo.InvariantCulture));

    /// <exception cref="FormatException">The text is not a control document; the message says where and why.</exception>
    public static ControlDocument Parse(string json)
    {
        ControlDocumentJson? doc;
        try
        {
            doc = JsonSerializer.Deserialize(json, ControlJson.Compact.ControlDocumentJson);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"not JSON: {ex.Message}", ex);
        }

        if (doc?.Schema != Schema)
        {
            throw new FormatException($"not a control document: the \"schema\" must be \"{Schema}\"");
        }

        var list = new List<ControlAction>();
        var i = 0;
        foreach (var a in doc.Actions ?? [])
        {
            if (a is null || ParseVerb(a.Action) is not { } verb || a.Id is not { } id)
            {
                throw new FormatException($"actions[{i}]: each action needs an \"id\" and an \"action\" of stop, reduce_lr or rollback");
            }

            var issued = DateTimeOffset.TryParse(a.IssuedAt, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : DateTimeOffset.UnixEpoch;
            list.Add(new ControlAction(id, verb, a.Reason ?? "", issued, a.Rule, a.Finding, a.Step, a.Factor, a.Checkpoint));
            i++;
        }

        return new ControlDocument(doc.Run ?? "", list);
    }

    /// <summary>Writes the document to <paramref name="path"/> atomically (a temporary file moved into place), so a
    /// trainer polling the file never reads half of it.</summary>
    public void WriteTo(string path)
    {
        var temp = path + ".tmp";
        File.WriteAllText(temp, ToJson());
        File.Move(temp, path, overwrite: true);
    }
}

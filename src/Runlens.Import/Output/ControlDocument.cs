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
    public const string Schema = "runlens.control/v1";
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
    public string NextId() => "a" + (Actions.Count + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public string ToJson()
    {
        var actions = new JsonArray();
        foreach (var a in Actions)
        {
            actions.Add(ActionJson(a));
        }

        return new JsonObject { ["schema"] = Schema, ["run"] = Run, ["actions"] = actions }
            .ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>One action as the document holds it (and as <c>POST /api/runs/{id}/control</c> takes it).</summary>
    public static JsonObject ActionJson(ControlAction a)
    {
        var o = new JsonObject { ["id"] = a.Id, ["action"] = Verb(a.Action), ["reason"] = a.Reason };
        if (a.Factor is { } f)
        {
            o["factor"] = f;
        }

        if (a.Checkpoint is not null)
        {
            o["checkpoint"] = a.Checkpoint;
        }

        if (a.RuleId is not null)
        {
            o["rule"] = a.RuleId;
        }

        if (a.Finding is not null)
        {
            o["finding"] = a.Finding;
        }

        if (a.Step is { } s)
        {
            o["step"] = s;
        }

        o["issued_at"] = a.IssuedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        return o;
    }

    /// <exception cref="FormatException">The text is not a control document; the message says where and why.</exception>
    public static ControlDocument Parse(string json)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"not JSON: {ex.Message}", ex);
        }

        if (root is not JsonObject o || (string?)o["schema"] != Schema)
        {
            throw new FormatException($"not a control document: the \"schema\" must be \"{Schema}\"");
        }

        var list = new List<ControlAction>();
        var i = 0;
        foreach (var node in o["actions"] as JsonArray ?? [])
        {
            if (node is not JsonObject a || ParseVerb((string?)a["action"]) is not { } verb || (string?)a["id"] is not { } id)
            {
                throw new FormatException($"actions[{i}]: each action needs an \"id\" and an \"action\" of stop, reduce_lr or rollback");
            }

            var issued = DateTimeOffset.TryParse((string?)a["issued_at"], System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AssumeUniversal, out var t) ? t : DateTimeOffset.UnixEpoch;
            list.Add(new ControlAction(id, verb, (string?)a["reason"] ?? "", issued, (string?)a["rule"], (string?)a["finding"],
                (long?)a["step"], (double?)a["factor"], (string?)a["checkpoint"]));
            i++;
        }

        return new ControlDocument((string?)o["run"] ?? "", list);
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

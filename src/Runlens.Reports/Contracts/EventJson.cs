using Runlens.Model;

namespace Runlens.Reports.Contracts;

/// <summary>Something that happened to a run: <c>kind</c> (<c>import_damage</c>, <c>error</c>, <c>early_stop</c>,
/// <c>warning</c>, <c>note</c>, <c>control</c>), a sentence, and the step, file and place when they apply (null otherwise).</summary>
public sealed record EventJson(string Kind, string Message, long? Step, string? File, string? Location)
{
    public static EventJson From(RunEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new(KindText(e.Kind), e.Message, e.Step, e.File, e.Location);
    }

    /// <summary>An event kind as the contracts and the native API name it: <c>import_damage</c>, <c>early_stop</c>, <c>control</c>.</summary>
    public static string KindText(RunEventKind kind) =>
        System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(kind.ToString());
}

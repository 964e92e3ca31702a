using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Runlens.Import.Output;

/// <summary>
/// The serializer of <c>runlens.control/v1</c> (source-generated), with the options of every Runlens contract: snake_case
/// names, non-ASCII text as is, a <c>null</c> written unless the property says it is left out. It lives beside the control
/// document because a <c>runlens run</c> folder's control.json is read back by the import of that folder.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(ControlDocumentJson))]
[JsonSerializable(typeof(ControlActionJson))]
internal sealed partial class ControlJson : JsonSerializerContext
{
    /// <summary>The document as written to control.json: indented with two spaces.</summary>
    public static ControlJson Indented { get; } = new(CreateOptions(indented: true));

    /// <summary>One line: an action as the API takes it.</summary>
    public static ControlJson Compact { get; } = new(CreateOptions(indented: false));

    private static JsonSerializerOptions CreateOptions(bool indented) => new()
    {
        WriteIndented = indented,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };
}

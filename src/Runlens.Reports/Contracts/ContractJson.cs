using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Runlens.Reports.Contracts;

/// <summary>
/// The one serializer of Runlens' JSON contracts (source-generated): property names in snake_case, numbers in the
/// invariant form, NaN and ±Infinity as the strings <c>"NaN"</c>, <c>"Infinity"</c>, <c>"-Infinity"</c>, non-ASCII text
/// as is, and a <c>null</c> written for every value a record holds as null unless the property says it is left out.
/// <see cref="Indented"/> writes documents (two-space indentation), <see cref="Compact"/> one line (MCP answers, alerts).
/// The CLI writes its documents through <see cref="ContractJsonWriter"/>, generated from this class' attributes
/// (src/Runlens.JsonWriterGenerator), which writes the same bytes without System.Text.Json's metadata; a test holds the two
/// byte-identical on every example run.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    Converters = [typeof(ConfigValueJsonConverter), typeof(EvidenceJsonConverter)])]
[JsonSerializable(typeof(DiagnosisDocument))]
[JsonSerializable(typeof(DiagnosesDocument))]
[JsonSerializable(typeof(FindingJson))]
[JsonSerializable(typeof(EvaluationDocument))]
[JsonSerializable(typeof(EvaluationSetDocument))]
[JsonSerializable(typeof(ComparisonDocument))]
[JsonSerializable(typeof(RunSummary))]
[JsonSerializable(typeof(ImpactDocument))]
[JsonSerializable(typeof(ChangePointsDocument))]
[JsonSerializable(typeof(AlertJson))]
[Runlens.Json.GenerateJsonWriter]
public sealed partial class ContractJson : JsonSerializerContext
{
    /// <summary>Documents: indented with two spaces.</summary>
    public static ContractJson Indented { get; } = new(CreateOptions(indented: true));

    /// <summary>One line, no spaces: MCP answers, alert payloads, JSONL.</summary>
    public static ContractJson Compact { get; } = new(CreateOptions(indented: false));

    /// <summary>The options every contract is written with; pass them to another source-generated context that embeds
    /// these records (the MCP answers, the native API) so it writes them the same way.</summary>
    public static JsonSerializerOptions CreateOptions(bool indented) => new()
    {
        WriteIndented = indented,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new ConfigValueJsonConverter(), new EvidenceJsonConverter() },
    };

    /// <summary>The writer options every contract is written with (<see cref="CreateOptions"/>' encoder and indentation).</summary>
    public static JsonWriterOptions WriterOptions(bool indented) => new()
    {
        Indented = indented,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Writes <paramref name="value"/> to <paramref name="output"/> through the generated writer
    /// (<see cref="ContractJsonWriter"/>: the bytes this context's metadata would write, without building that metadata, which a
    /// short-lived command would pay for at start-up), indented, then a newline (a document on stdout ends with one).</summary>
    public static void WriteDocument<T>(Stream output, T value, Action<Utf8JsonWriter, T> write)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(write);
        using (var writer = new Utf8JsonWriter(output, WriterOptions(indented: true)))
        {
            write(writer, value);
        }

        output.WriteByte((byte)'\n');
    }
}

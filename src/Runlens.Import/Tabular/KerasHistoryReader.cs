using System.Globalization;
using System.Text.Json;
using Runlens.Import.Core;
using Runlens.Model;

namespace Runlens.Import.Tabular;

/// <summary>
/// Keras <c>History.history</c> dumped with Python's <c>json</c>: an object of name → list of numbers (one per epoch; bare
/// <c>NaN</c>/<c>Infinity</c> tokens allowed, numbers written as strings accepted), either at the top or under
/// <c>"history"</c> (a dump of the whole History object, whose <c>"epoch"</c> list then gives the epoch numbers and whose
/// <c>"params"</c> become config). A damaged file keeps the values read before the fault and reports it with offset and line.
/// </summary>
internal static class KerasHistoryReader
{
    public const string Hint = "expected a Keras History.history dump: a JSON object of metric name -> list of numbers, one per epoch";
    private const int MaxDepth = 2;

    public static KerasHistory Read(byte[] bytes, string file)
    {
        var result = new KerasHistory();
        var start = PythonJson.BomLength(bytes);
        var json = bytes.AsSpan(start);
        var literals = PythonJson.RewriteNonFiniteLiterals(json);
        var reader = new Utf8JsonReader(json, PythonJson.ReaderOptions);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new RunImportException(file, Location(bytes, start + reader.TokenStartIndex), "not a JSON object", Hint);
            }

            ReadObject(ref reader, result, literals, 0);
        }
        catch (JsonException ex)
        {
            Fail(bytes, result, file, ex, PythonJson.Describe(ex), start + reader.BytesConsumed);
        }
        catch (InvalidOperationException ex)
        {
            Fail(bytes, result, file, ex, ex.Message.TrimEnd('.'), start + reader.BytesConsumed);
        }

        return result;
    }

    /// <summary><c>offset N, line M</c> for a byte offset.</summary>
    public static string Location(byte[] bytes, long offset)
    {
        var end = (int)Math.Clamp(offset, 0, bytes.Length);
        var line = bytes.AsSpan(0, end).Count((byte)'\n') + 1;
        return "offset " + offset.ToString(CultureInfo.InvariantCulture) + ", line " + line.ToString(CultureInfo.InvariantCulture);
    }

    private static void Fail(byte[] bytes, KerasHistory result, string file, Exception ex, string cause, long offset)
    {
        var location = Location(bytes, offset);
        if (result.PointCount == 0)
        {
            throw new RunImportException(file, location, "invalid JSON: " + cause, Hint, ex);
        }

        result.Events.Add(new RunEvent(RunEventKind.ImportDamage,
            $"{Path.GetFileName(file)} is damaged ({cause}); the {result.PointCount} values read before it were kept",
            File: file, Location: location));
    }

    private static void ReadObject(ref Utf8JsonReader reader, KerasHistory result, Dictionary<long, double>? literals, int depth)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString() ?? "";
            reader.Read();
            switch (reader.TokenType)
            {
                case JsonTokenType.StartArray when name == "epoch" && depth == 0:
                    result.Epochs = [];
                    ReadList(ref reader, literals, name, result, result.Epochs, track: false);
                    break;
                case JsonTokenType.StartArray:
                    // added before it is filled, so the values of a list cut by damage are kept
                    var list = new List<double?>();
                    result.Lists.Add((name, list));
                    ReadList(ref reader, literals, name, result, list, track: true);
                    break;
                case JsonTokenType.StartObject when name == "params" && depth == 0:
                    ReadParams(ref reader, result, literals);
                    break;
                case JsonTokenType.StartObject when depth < MaxDepth && name == "history":
                    ReadObject(ref reader, result, literals, depth + 1);
                    break;
                default:
                    reader.Skip();
                    result.Ignored.Add(name);
                    break;
            }
        }
    }

    private static void ReadList(ref Utf8JsonReader reader, Dictionary<long, double>? literals, string name, KerasHistory result,
        List<double?> values, bool track)
    {
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            double? value = null;
            if (PythonJson.TryReadNumber(ref reader, literals, out var d))
            {
                value = d;
            }
            else if (reader.TokenType == JsonTokenType.String && CellValue.Parse(reader.GetString(), out var s) == CellKind.Number)
            {
                value = s;
            }
            else if (reader.TokenType is JsonTokenType.StartArray or JsonTokenType.StartObject)
            {
                reader.Skip();
                result.NotNumbers[name] = result.NotNumbers.GetValueOrDefault(name) + 1;
            }
            else if (reader.TokenType != JsonTokenType.Null)
            {
                result.NotNumbers[name] = result.NotNumbers.GetValueOrDefault(name) + 1;
            }

            values.Add(value);
            if (track && value is not null)
            {
                result.PointCount++;
            }
        }
    }

    private static void ReadParams(ref Utf8JsonReader reader, KerasHistory result, Dictionary<long, double>? literals) =>
        ConfigFlattener.Flatten("params", PythonJson.ReadValue(ref reader, literals), result.Params);
}

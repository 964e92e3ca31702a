using System.Text.Json;
using Runlens.Model;
using Runlens.Server.Http;
using Runlens.Server.Mlflow;
using Runlens.Storage;

namespace Runlens.Server.Native;

/// <summary>
/// The points of a native append: rows (<c>"points": [{"key", "step", "value", "timestamp"?, "epoch"?}]</c>) and/or
/// columns (<c>"series": [{"key", "steps": [], "values": [], "timestamps"?: [], "epochs"?: []}]</c>). Timestamps are
/// milliseconds since the Unix epoch; values are numbers or the strings NaN, Infinity, -Infinity. The first bad entry
/// refuses the whole request with where it is and what is wrong.
/// </summary>
internal static class PointsParser
{
    public static IReadOnlyList<MetricPoints> Parse(JsonElement body)
    {
        var byName = new Dictionary<string, List<SeriesPoint>>(StringComparer.Ordinal);
        List<SeriesPoint> For(string key)
        {
            if (!byName.TryGetValue(key, out var list))
            {
                list = [];
                byName[key] = list;
            }

            return list;
        }

        if (body.TryGetProperty("points", out var rows))
        {
            var i = 0;
            foreach (var row in Array(rows, "points").EnumerateArray())
            {
                var where = $"points[{i++}]";
                if (row.ValueKind != JsonValueKind.Object)
                {
                    throw ApiException.Invalid($"{where}: expected an object with key, step and value");
                }

                For(Key(row, where)).Add(new SeriesPoint(Step(Field(row, "step", where), where + ".step"), Value(Field(row, "value", where), where + ".value"),
                    Optional(row, "epoch", where), Timestamp(row, where)));
            }
        }

        if (body.TryGetProperty("series", out var columns))
        {
            var i = 0;
            foreach (var column in Array(columns, "series").EnumerateArray())
            {
                var where = $"series[{i++}]";
                if (column.ValueKind != JsonValueKind.Object)
                {
                    throw ApiException.Invalid($"{where}: expected an object with key, steps and values");
                }

                var key = Key(column, where);
                var steps = Array(Field(column, "steps", where), where + ".steps");
                var values = Array(Field(column, "values", where), where + ".values");
                var n = steps.GetArrayLength();
                if (values.GetArrayLength() != n)
                {
                    throw ApiException.Invalid($"{where}: {n} steps but {values.GetArrayLength()} values; give one value per step");
                }

                JsonElement? times = column.TryGetProperty("timestamps", out var t) && t.ValueKind != JsonValueKind.Null ? Array(t, where + ".timestamps") : null;
                JsonElement? epochs = column.TryGetProperty("epochs", out var e) && e.ValueKind != JsonValueKind.Null ? Array(e, where + ".epochs") : null;
                if (times is { } tt && tt.GetArrayLength() != n || epochs is { } ee && ee.GetArrayLength() != n)
                {
                    throw ApiException.Invalid($"{where}: timestamps and epochs, when given, need one entry per step ({n})");
                }

                var list = For(key);
                list.EnsureCapacity(list.Count + n);
                for (var j = 0; j < n; j++)
                {
                    // arrays of numbers index in constant time in a JsonDocument
                    var wall = times is { } tj ? Step(tj[j], $"{where}.timestamps[{j}]") / 1000.0 : double.NaN;
                    var epoch = epochs is { } ej ? Value(ej[j], $"{where}.epochs[{j}]") : double.NaN;
                    list.Add(new SeriesPoint(Step(steps[j], $"{where}.steps[{j}]"), Value(values[j], $"{where}.values[{j}]"), epoch, wall));
                }
            }
        }

        return [.. byName.Select(kv => new MetricPoints(kv.Key, kv.Value))];
    }

    private static JsonElement Array(JsonElement e, string where) =>
        e.ValueKind == JsonValueKind.Array ? e : throw ApiException.Invalid($"{where}: expected an array, got {e.ValueKind.ToString().ToLowerInvariant()}");

    private static JsonElement Field(JsonElement o, string name, string where) =>
        o.TryGetProperty(name, out var e) && e.ValueKind != JsonValueKind.Null ? e : throw ApiException.Invalid($"{where}: '{name}' is missing");

    private static string Key(JsonElement o, string where) =>
        Field(o, "key", where) is { ValueKind: JsonValueKind.String } k && k.GetString() is { Length: > 0 and <= 250 } key ? key
        : throw ApiException.Invalid($"{where}.key: expected the metric name as a string of 1 to 250 characters");

    private static long Step(JsonElement e, string where) =>
        e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out var n) ? n
        : throw ApiException.Invalid($"{where}: expected an integer, got {Shown(e)}");

    private static double Value(JsonElement e, string where) => e.ValueKind switch
    {
        JsonValueKind.Number when e.GetDouble() is var d && double.IsFinite(d) => d,
        JsonValueKind.Number => throw ApiException.Invalid($"{where}: {Shown(e)} is beyond the range of a double (±1.8e308); send \"Infinity\" or \"-Infinity\" if that is what you mean"),
        JsonValueKind.String when MlflowRequest.ParseDouble(e.GetString()!) is { } d && !double.IsFinite(d) => d,
        _ => throw ApiException.Invalid($"{where}: expected a number (or \"NaN\", \"Infinity\", \"-Infinity\"), got {Shown(e)}"),
    };

    private static double Optional(JsonElement o, string name, string where) =>
        o.TryGetProperty(name, out var e) && e.ValueKind != JsonValueKind.Null ? Value(e, $"{where}.{name}") : double.NaN;

    private static double Timestamp(JsonElement o, string where) =>
        o.TryGetProperty("timestamp", out var e) && e.ValueKind != JsonValueKind.Null ? Step(e, where + ".timestamp") / 1000.0 : double.NaN;

    private static string Shown(JsonElement e)
    {
        var raw = e.GetRawText();
        return raw.Length > 40 ? raw[..37] + "..." : raw;
    }
}

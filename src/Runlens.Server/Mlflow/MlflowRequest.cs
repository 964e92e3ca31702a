using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Runlens.Server.Http;

namespace Runlens.Server.Mlflow;

/// <summary>
/// The fields of an MLflow request, whether they came as query parameters (GET) or in a JSON body (POST), with MLflow's
/// type rules: ids and params are strings; int64 fields are JSON numbers (or digit strings, as proto3 JSON allows);
/// doubles may be the strings NaN, Infinity and -Infinity. A field of the wrong type is a 400, never a crash.
/// </summary>
internal sealed class MlflowRequest : IDisposable
{
    private readonly JsonDocument? _body;
    private readonly IQueryCollection _query;

    private MlflowRequest(JsonDocument? body, IQueryCollection query)
    {
        _body = body;
        _query = query;
    }

    public static async Task<MlflowRequest> ReadAsync(HttpContext context, long limit) =>
        HttpMethods.IsGet(context.Request.Method)
            ? new MlflowRequest(null, context.Request.Query)
            : new MlflowRequest(await RequestBody.JsonAsync(context, limit).ConfigureAwait(false), context.Request.Query);

    public JsonElement? Element(string name) =>
        _body is not null && _body.RootElement.TryGetProperty(name, out var e) && e.ValueKind != JsonValueKind.Null ? e : null;

    public string? String(string name)
    {
        if (_body is null)
        {
            return _query.TryGetValue(name, out var v) ? v.ToString() : null;
        }

        return Element(name) switch
        {
            null => null,
            { ValueKind: JsonValueKind.String } e => e.GetString(),
            { } e => throw WrongType(name, e),
        };
    }

    public string Required(string name) => String(name) is { Length: > 0 } v ? v : throw ApiException.Missing(name);

    /// <summary>The run id, sent as <c>run_id</c> or (older clients) <c>run_uuid</c>.</summary>
    public string RunId() => String("run_id") is { Length: > 0 } id ? id : String("run_uuid") is { Length: > 0 } uuid ? uuid : throw ApiException.Missing("run_id");

    public long? Long(string name)
    {
        if (_body is null)
        {
            return _query.TryGetValue(name, out var v) ? ParseLong(name, v.ToString()) : null;
        }

        return Element(name) switch
        {
            null => null,
            { ValueKind: JsonValueKind.Number } e when e.TryGetInt64(out var n) => n,
            { ValueKind: JsonValueKind.String } e => ParseLong(name, e.GetString()!),
            { } e => throw WrongType(name, e),
        };
    }

    public int? Int(string name) => Long(name) is { } n ? (n is >= int.MinValue and <= int.MaxValue ? (int)n : throw ApiException.Invalid($"Invalid value {n} for parameter '{name}' supplied: out of range.")) : null;

    public bool? Bool(string name) => _body is null
        ? _query.TryGetValue(name, out var v) ? v.ToString() is "true" or "True" : null
        : Element(name) switch
        {
            null => null,
            { ValueKind: JsonValueKind.True } => true,
            { ValueKind: JsonValueKind.False } => false,
            { } e => throw WrongType(name, e),
        };

    /// <summary>Repeated query parameters, or a JSON array of strings.</summary>
    public IReadOnlyList<string> Strings(string name)
    {
        if (_body is null)
        {
            return _query.TryGetValue(name, out var v) ? [.. v.Where(s => s is not null).Select(s => s!)] : [];
        }

        return Element(name) switch
        {
            null => [],
            { ValueKind: JsonValueKind.Array } e => [.. e.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.String ? x.GetString()! : throw WrongType(name, x))],
            { } e => throw WrongType(name, e),
        };
    }

    /// <summary>The objects of a JSON array field (log-batch metrics, params, tags).</summary>
    public IReadOnlyList<JsonElement> Objects(string name) => Element(name) switch
    {
        null => [],
        { ValueKind: JsonValueKind.Array } e => [.. e.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.Object ? x : throw WrongType(name, x))],
        { } e => throw WrongType(name, e),
    };

    /// <summary>A double field of a JSON object (a metric's value).</summary>
    public static double? Double(JsonElement o, string name) =>
        !o.TryGetProperty(name, out var e) || e.ValueKind == JsonValueKind.Null ? null
        : e.ValueKind == JsonValueKind.Number ? Finite(e, name)
        : e.ValueKind == JsonValueKind.String && ParseDouble(e.GetString()!) is { } d ? d
        : throw WrongType(name, e);

    public static long? Long(JsonElement o, string name) =>
        !o.TryGetProperty(name, out var e) || e.ValueKind == JsonValueKind.Null ? null
        : e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out var n) ? n
        : e.ValueKind == JsonValueKind.String ? ParseLong(name, e.GetString()!)
        : throw WrongType(name, e);

    public static string? String(JsonElement o, string name) =>
        !o.TryGetProperty(name, out var e) || e.ValueKind == JsonValueKind.Null ? null
        : e.ValueKind == JsonValueKind.String ? e.GetString()
        : throw WrongType(name, e);

    /// <summary>A number as text; the words NaN, Infinity and -Infinity (and Python's nan, inf) are the only ways to say a
    /// non-finite value: a number too large for a double (1e400) is null, not Infinity.</summary>
    public static double? ParseDouble(string text) => text switch
    {
        "NaN" or "nan" => double.NaN,
        "Infinity" or "inf" => double.PositiveInfinity,
        "-Infinity" or "-inf" => double.NegativeInfinity,
        _ => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) ? d : null,
    };

    /// <summary>A JSON number as a double; one beyond a double's range (1e400) is a 400, never a silent Infinity.</summary>
    public static double Finite(JsonElement e, string name) =>
        e.GetDouble() is var d && double.IsFinite(d) ? d
        : throw ApiException.Invalid($"Invalid value {Shorten(e.GetRawText())} for parameter '{name}' supplied: it is beyond the range of a double (±1.8e308); send \"Infinity\" or \"-Infinity\" if that is what you mean.");

    private static long ParseLong(string name, string text) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n
        : throw ApiException.Invalid($"Invalid value \"{text}\" for parameter '{name}' supplied. Hint: Value was of type 'str'. See the API docs for more information about request parameters.");

    public static ApiException WrongType(string name, JsonElement e) => ApiException.Invalid(
        $"Invalid value {Shorten(e.GetRawText())} for parameter '{name}' supplied. Hint: Value was of type '{TypeName(e.ValueKind)}'. See the API docs for more information about request parameters.");

    private static string Shorten(string raw) => raw.Length > 80 ? raw[..77] + "..." : raw;

    private static string TypeName(JsonValueKind kind) => kind switch
    {
        JsonValueKind.String => "str",
        JsonValueKind.Number => "int",
        JsonValueKind.True or JsonValueKind.False => "bool",
        JsonValueKind.Array => "list",
        JsonValueKind.Object => "dict",
        _ => "NoneType",
    };

    public void Dispose() => _body?.Dispose();
}

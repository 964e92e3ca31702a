using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Runlens.Server.Contracts;

namespace Runlens.Server.Http;

/// <summary>Writes JSON answers: pretty-printed with two spaces, as MLflow's server does; typed answers go through a
/// source-generated context (<see cref="ServerJsonContext"/>).</summary>
internal static class JsonResponses
{
    private static readonly JsonWriterOptions Options = new() { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static async Task WriteAsync(HttpContext context, Action<Utf8JsonWriter> write, int status = 200)
    {
        ArgumentNullException.ThrowIfNull(write);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        await using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            write(writer);
        }

        await SendAsync(context, buffer.WrittenMemory, status).ConfigureAwait(false);
    }

    /// <summary>A typed answer, serialised through <paramref name="type"/>.</summary>
    public static Task WriteAsync<T>(HttpContext context, T value, JsonTypeInfo<T> type, int status = 200) =>
        SendAsync(context, JsonSerializer.SerializeToUtf8Bytes(value, type), status);

    /// <summary><c>{}</c>: success with nothing to say.</summary>
    public static Task EmptyAsync(HttpContext context) => WriteAsync(context, EmptyJson.Instance, ServerJsonContext.Indented.EmptyJson);

    public static Task ErrorAsync(HttpContext context, ApiException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return WriteAsync(context, new ErrorJson(error.Code, error.Message), ServerJsonContext.Indented.ErrorJson, error.Status);
    }

    private static async Task SendAsync(HttpContext context, ReadOnlyMemory<byte> body, int status)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }
}

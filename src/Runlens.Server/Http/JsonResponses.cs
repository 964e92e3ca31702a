using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Runlens.Server.Http;

/// <summary>Writes JSON answers: pretty-printed with two spaces, as MLflow's server does.</summary>
internal static class JsonResponses
{
    private static readonly JsonWriterOptions Options = new() { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static async Task WriteAsync(HttpContext context, Action<Utf8JsonWriter> write, int status = 200)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        await using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            write(writer);
        }

        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary><c>{}</c>: success with nothing to say.</summary>
    public static Task EmptyAsync(HttpContext context) => WriteAsync(context, w =>
    {
        w.WriteStartObject();
        w.WriteEndObject();
    });

    public static Task ErrorAsync(HttpContext context, ApiException error) => WriteAsync(context, w =>
    {
        w.WriteStartObject();
        w.WriteString("error_code", error.Code);
        w.WriteString("message", error.Message);
        w.WriteEndObject();
    }, error.Status);
}

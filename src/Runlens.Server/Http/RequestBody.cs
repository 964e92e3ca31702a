using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Runlens.Server.Http;

/// <summary>Reads request bodies within a size limit, before anything is stored.</summary>
internal static class RequestBody
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 64 };

    /// <summary>The body as JSON. MLflow's rule first: a POST must say <c>Content-Type: application/json</c>.</summary>
    public static async Task<JsonDocument> JsonAsync(HttpContext context, long limit)
    {
        var type = context.Request.ContentType;
        if (type is null || !type.Split(';')[0].Trim().Equals("application/json", StringComparison.OrdinalIgnoreCase))
        {
            throw ApiException.Invalid("Bad Request. Content-Type must be one of ['application/json'].");
        }

        var bytes = await BytesAsync(context, limit).ConfigureAwait(false);
        JsonText.Check(bytes.Span);
        try
        {
            var doc = JsonDocument.Parse(bytes, Options);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                doc.Dispose();
                throw ApiException.Invalid("Malformed request: the body must be a JSON object.");
            }

            return doc;
        }
        catch (JsonException ex)
        {
            throw ApiException.Invalid($"Malformed JSON at line {(ex.LineNumber ?? 0) + 1}, byte {(ex.BytePositionInLine ?? 0) + 1}: {FirstSentence(ex.Message)}");
        }
    }

    /// <summary>The raw body, refused with 413 past <paramref name="limit"/> bytes.</summary>
    public static async Task<ReadOnlyMemory<byte>> BytesAsync(HttpContext context, long limit)
    {
        if (context.Request.ContentLength is { } declared && declared > limit)
        {
            throw TooLarge(declared, limit);
        }

        var feature = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>();
        if (feature is { IsReadOnly: false })
        {
            feature.MaxRequestBodySize = null; // the limit is applied here, with a readable error
        }

        using var memory = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted).ConfigureAwait(false)) > 0)
        {
            if (memory.Length + read > limit)
            {
                throw TooLarge(memory.Length + read, limit);
            }

            memory.Write(buffer, 0, read);
        }

        return memory.GetBuffer().AsMemory(0, (int)memory.Length);
    }

    private static ApiException TooLarge(long size, long limit) =>
        new(ErrorCodes.TooLarge, $"Request body of {size} bytes is larger than the limit of {limit} bytes for this endpoint; split it into smaller requests.");

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(" Path:", StringComparison.Ordinal);
        return end > 0 ? message[..end] : message;
    }
}

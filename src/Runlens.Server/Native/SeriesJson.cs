using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Runlens.Model;
using Runlens.Reports.Json;
using Runlens.Server.Contracts;
using Runlens.Server.Mlflow;

namespace Runlens.Server.Native;

/// <summary>
/// Writes a series answer (<see cref="SeriesPointsJson"/>: key, name, then the steps, values and timestamps columns)
/// straight to the response as it is read: one pass over the points per column, flushed every few thousand points, so
/// no answer is ever held whole in memory. The bytes are those the typed record serialises to (a test compares them).
/// </summary>
internal static class SeriesJson
{
    private const int FlushEvery = 8192;

    private static readonly JsonWriterOptions Options = new() { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <param name="pass">The points, read again for each column (0: steps, 1: values, 2: timestamps).</param>
    public static async Task WriteAsync(HttpContext context, string key, string name, Func<int, IAsyncEnumerable<SeriesPoint>> pass)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        var output = context.Response.BodyWriter;
        await using var w = new Utf8JsonWriter(output, Options);
        w.WriteStartObject();
        w.WriteString("key", key);
        w.WriteString("name", name);
        string[] columns = ["steps", "values", "timestamps"];
        for (var c = 0; c < columns.Length; c++)
        {
            w.WriteStartArray(columns[c]);
            var n = 0;
            await foreach (var p in pass(c).WithCancellation(context.RequestAborted).ConfigureAwait(false))
            {
                switch (c)
                {
                    case 0:
                        w.WriteNumberValue(p.Step);
                        break;
                    case 1:
                        JsonNumbers.Write(w, p.Value);
                        break;
                    default:
                        if (double.IsFinite(p.WallTime))
                        {
                            w.WriteNumberValue(MlflowWriter.Timestamp(p));
                        }
                        else
                        {
                            w.WriteNullValue();
                        }

                        break;
                }

                if (++n % FlushEvery == 0)
                {
                    await w.FlushAsync(context.RequestAborted).ConfigureAwait(false);
                    await output.FlushAsync(context.RequestAborted).ConfigureAwait(false);
                }
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
        await w.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }
}

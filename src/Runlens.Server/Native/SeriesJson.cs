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
/// While a flush waits for the client to take what was written, the answer gives back its turn; a client that takes
/// nothing for the stall limit has its connection closed.
/// </summary>
internal static class SeriesJson
{
    private const int FlushEvery = 8192;

    private static readonly JsonWriterOptions Options = new() { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <param name="pass">The points, read again for each column (0: steps, 1: values, 2: timestamps).</param>
    /// <param name="turn">The answer's turn, given back while a flush waits on the client; null: none held.</param>
    /// <param name="stallLimit">How long one flush may wait on the client; null: as long as it takes.</param>
    public static async Task WriteAsync(HttpContext context, string key, string name, Func<int, IAsyncEnumerable<SeriesPoint>> pass,
        SeriesTurn? turn = null, TimeSpan? stallLimit = null)
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
                    await FlushAsync(context, turn, stallLimit).ConfigureAwait(false);
                }
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
        await w.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Hands what was written to the client. A flush that cannot complete at once waits on the client: the turn
    /// is given back meanwhile and taken again after; past the stall limit the connection is closed.</summary>
    private static async Task FlushAsync(HttpContext context, SeriesTurn? turn, TimeSpan? stallLimit)
    {
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        if (stallLimit is { } limit)
        {
            stall.CancelAfter(limit);
        }

        var flush = context.Response.BodyWriter.FlushAsync(stall.Token);
        if (flush.IsCompleted)
        {
            await flush.ConfigureAwait(false);
            return;
        }

        turn?.Give();
        try
        {
            await flush.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
        {
            // The client took nothing for the stall limit: it stopped reading.
            context.Abort();
            throw new OperationCanceledException("the client stopped reading the series", context.RequestAborted);
        }

        if (turn is not null)
        {
            await turn.TakeAsync(context.RequestAborted).ConfigureAwait(false);
        }
    }
}

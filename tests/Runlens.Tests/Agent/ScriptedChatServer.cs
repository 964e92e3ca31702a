using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Runlens.Tests.Agent;

/// <summary>A real OpenAI-compatible HTTP server (Kestrel on a free 127.0.0.1 port) for the LLM planner's tests:
/// <c>POST /v1/chat/completions</c> answers from a script, in order — a chat completion holding the scripted text, or an
/// error status with an optional Retry-After, optionally after a delay — and records every request.</summary>
internal sealed class ScriptedChatServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Reply> _script = new();

    private ScriptedChatServer(WebApplication app)
    {
        _app = app;
    }

    /// <summary>One answer: the assistant's text (status 200), or an error status; a Retry-After in seconds; a delay.</summary>
    public sealed record Reply(string? Content = null, int Status = 200, int? RetryAfterSeconds = null, TimeSpan? Delay = null);

    public sealed record Received(DateTime At, JsonObject Body);

    public ConcurrentQueue<Received> Requests { get; } = new();

    /// <summary>The base URL to configure (<c>http://127.0.0.1:PORT/v1</c>).</summary>
    public string BaseUrl { get; private set; } = "";

    public static async Task<ScriptedChatServer> StartAsync(params Reply[] script)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new ScriptedChatServer(app);
        foreach (var r in script)
        {
            server._script.Enqueue(r);
        }

        app.MapPost("/v1/chat/completions", server.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUrl = address.TrimEnd('/') + "/v1";
        return server;
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        Requests.Enqueue(new Received(DateTime.UtcNow, JsonNode.Parse(body)!.AsObject()));
        var reply = _script.TryDequeue(out var r) ? r : new Reply(Status: 500);
        if (reply.Delay is { } delay)
        {
            try
            {
                await Task.Delay(delay, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        context.Response.StatusCode = reply.Status;
        context.Response.ContentType = "application/json";
        if (reply.RetryAfterSeconds is { } seconds)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        var answer = reply.Status == 200
            ? new JsonObject
            {
                ["id"] = "chatcmpl-test",
                ["object"] = "chat.completion",
                ["created"] = 1_700_000_000,
                ["model"] = "scripted",
                ["choices"] = new JsonArray(new JsonObject
                {
                    ["index"] = 0,
                    ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = reply.Content ?? "" },
                    ["finish_reason"] = "stop",
                }),
                ["usage"] = new JsonObject { ["prompt_tokens"] = 1200, ["completion_tokens"] = 80, ["total_tokens"] = 1280 },
            }
            : new JsonObject { ["error"] = new JsonObject { ["message"] = "scripted error", ["type"] = "server_error" } };
        await context.Response.WriteAsync(answer.ToJsonString(), context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

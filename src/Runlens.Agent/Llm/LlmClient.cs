using System.ClientModel;
using System.ClientModel.Primitives;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using OpenAI;
using OpenAI.Chat;
using Polly;
using Polly.Retry;
using Polly.Timeout;
using Runlens.Agent.Configuration;
using Runlens.Agent.Logging;

namespace Runlens.Agent.Llm;

/// <summary>
/// One LLM role (planning, or the tools' internal LLM) over any OpenAI-compatible endpoint through the official OpenAI
/// .NET client. Every request asks for JSON that follows a schema. 429, 5xx, refused connections and time-outs are tried
/// again with exponential back-off and jitter (Polly), waiting what a <c>Retry-After</c> header asks for (up to the
/// configured maximum); the client's own retries are off, so the policy and the log see every try. Each call is logged
/// with its role, the correlation id, the tokens used and the tries it took.
/// </summary>
public sealed class LlmClient
{
    private readonly ChatClient _chat;
    private readonly ResiliencePipeline _pipeline;
    private readonly AgentLog? _log;

    public LlmClient(string role, LlmRoleSettings settings, RetrySettings retry, AgentLog? log)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(retry);
        Role = role;
        Settings = settings;
        _log = log;
        var key = settings.ApiKeyEnv is { } env ? Environment.GetEnvironmentVariable(env) : "ollama";
        if (string.IsNullOrEmpty(key))
        {
            throw new AgentInputException($"the {role} LLM's API key is read from ${settings.ApiKeyEnv}, which is not set; set it, or point llm.{role}.base_url at a local server (llm.profile: local)");
        }

        var options = new OpenAIClientOptions
        {
            RetryPolicy = new ClientRetryPolicy(0),
            NetworkTimeout = TimeSpan.FromSeconds(settings.TimeoutSeconds * 2 + 5),
        };
        if (settings.BaseUrl is { } url)
        {
            options.Endpoint = new Uri(url);
        }

        _chat = new ChatClient(settings.Model, new ApiKeyCredential(key), options);
        Endpoint = settings.BaseUrl ?? "https://api.openai.com/v1";
        _pipeline = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = Math.Max(0, retry.LlmAttempts - 1),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromSeconds(retry.BackoffSeconds),
                MaxDelay = TimeSpan.FromSeconds(Math.Max(retry.MaxDelaySeconds, retry.BackoffSeconds)),
                ShouldHandle = new PredicateBuilder().Handle<Exception>(Transient),
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Exception) is { } wait
                    ? (TimeSpan?)TimeSpan.FromSeconds(Math.Min(wait.TotalSeconds, retry.MaxDelaySeconds))
                    : null),
                OnRetry = args =>
                {
                    _log?.Warning("llm_retry", string.Create(CultureInfo.InvariantCulture,
                        $"the {Role} LLM at {Endpoint} failed ({Describe(args.Outcome.Exception)}); try {args.AttemptNumber + 2} of {retry.LlmAttempts} in {args.RetryDelay.TotalSeconds:0.##} s"),
                        data: new JsonObject { ["role"] = Role, ["attempt"] = args.AttemptNumber + 1, ["delay_seconds"] = args.RetryDelay.TotalSeconds, ["cause"] = Describe(args.Outcome.Exception) });
                    return ValueTask.CompletedTask;
                },
            })
            .AddTimeout(TimeSpan.FromSeconds(settings.TimeoutSeconds))
            .Build();
    }

    public string Role { get; }

    public LlmRoleSettings Settings { get; }

    public string Endpoint { get; }

    /// <summary>Asks for an answer that follows <paramref name="schema"/> (a JSON schema).</summary>
    /// <exception cref="LlmUnavailableException">No answer after every try.</exception>
    public async Task<LlmAnswer> CompleteJsonAsync(string system, string user, string schemaName, string schema, string? experiment, CancellationToken cancellationToken = default)
    {
        var messages = new List<ChatMessage> { new SystemChatMessage(system), new UserChatMessage(user) };
        var options = new ChatCompletionOptions
        {
            ResponseFormat = ChatResponseFormat.CreateJsonSchemaFormat(schemaName, BinaryData.FromString(schema), jsonSchemaIsStrict: true),
            Temperature = 0,
        };
        var watch = Stopwatch.StartNew();
        var attempts = 0;
        ChatCompletion completion;
        try
        {
            completion = await _pipeline.ExecuteAsync(async token =>
            {
                attempts++;
                return (await _chat.CompleteChatAsync(messages, options, token).ConfigureAwait(false)).Value;
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && Transient(ex))
        {
            var message = $"the {Role} LLM at {Endpoint} (model {Settings.Model}) gave no answer after {attempts} tr{(attempts == 1 ? "y" : "ies")}: {Describe(ex)}";
            _log?.Error("llm_unavailable", message, experiment, data: new JsonObject { ["role"] = Role, ["attempts"] = attempts, ["cause"] = Describe(ex) });
            throw new LlmUnavailableException(message, ex);
        }

        var text = completion.Content.Count > 0 ? completion.Content[0].Text ?? "" : "";
        var usage = completion.Usage;
        var answer = new LlmAnswer(text, usage?.InputTokenCount ?? 0, usage?.OutputTokenCount ?? 0, usage?.TotalTokenCount ?? 0, attempts, watch.Elapsed);
        _log?.Info("llm_call", string.Create(CultureInfo.InvariantCulture,
            $"the {Role} LLM ({Settings.Model}) answered in {watch.Elapsed.TotalSeconds:0.##} s: {answer.InputTokens} prompt + {answer.OutputTokens} completion tokens"),
            experiment, data: new JsonObject
            {
                ["role"] = Role,
                ["model"] = Settings.Model,
                ["endpoint"] = Endpoint,
                ["prompt_chars"] = system.Length + user.Length,
                ["input_tokens"] = answer.InputTokens,
                ["output_tokens"] = answer.OutputTokens,
                ["total_tokens"] = answer.TotalTokens,
                ["attempts"] = attempts,
                ["seconds"] = watch.Elapsed.TotalSeconds,
            });
        return answer;
    }

    /// <summary>What is worth trying again: rate limits, server errors, refused or dropped connections, time-outs.</summary>
    private static bool Transient(Exception ex) => ex switch
    {
        ClientResultException c => c.Status is 0 or 408 or 409 or 429 or >= 500,
        TimeoutRejectedException => true,
        HttpRequestException => true,
        TaskCanceledException or OperationCanceledException => true,
        IOException => true,
        _ => false,
    };

    /// <summary>The wait a 429 or 503 asks for in its Retry-After header (seconds, or an HTTP date), or null.</summary>
    private static TimeSpan? RetryAfter(Exception? ex)
    {
        if (ex is not ClientResultException c || c.GetRawResponse() is not { } response || !response.Headers.TryGetValue("Retry-After", out var value) || value is null)
        {
            return null;
        }

        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
        {
            return TimeSpan.FromSeconds(seconds);
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at - DateTimeOffset.UtcNow is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero
            : null;
    }

    private string Describe(Exception? ex) => ex switch
    {
        null => "no error",
        ClientResultException { Status: 0 } c => "could not connect: " + (c.InnerException?.Message ?? c.Message),
        ClientResultException c => $"HTTP {c.Status}" + (RetryAfter(c) is { } w ? string.Create(CultureInfo.InvariantCulture, $", Retry-After {w.TotalSeconds:0.##} s") : ""),
        TimeoutRejectedException => string.Create(CultureInfo.InvariantCulture, $"no answer within {Settings.TimeoutSeconds:G} s (llm.{Role}.timeout_seconds)"),
        _ => ex.GetBaseException().Message,
    };
}

namespace Runlens.Agent.Configuration;

/// <summary>One LLM role's endpoint (seed 003 §3.1): any OpenAI-compatible server.</summary>
/// <param name="BaseUrl">The API's base URL (<c>http://localhost:11434/v1</c> for Ollama); null: OpenAI's own.</param>
/// <param name="Model">The model name the server knows.</param>
/// <param name="ApiKeyEnv">The environment variable holding the API key; null: the placeholder key <c>ollama</c>.</param>
/// <param name="TimeoutSeconds">How long one request may take before it counts as timed out (and is retried).</param>
public sealed record LlmRoleSettings(string? BaseUrl, string Model, string? ApiKeyEnv, double TimeoutSeconds)
{
    /// <summary>A local Ollama server: the default, so nothing leaves the machine unless configured to.</summary>
    public static LlmRoleSettings Local { get; } = new("http://localhost:11434/v1", "gpt-oss:20b", null, 120);

    /// <summary>OpenAI's API with the key from <c>OPENAI_API_KEY</c>.</summary>
    public static LlmRoleSettings Production { get; } = new(null, "gpt-5.1-mini", "OPENAI_API_KEY", 60);
}

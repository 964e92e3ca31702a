namespace Runlens.Agent.Llm;

/// <summary>The LLM gave no answer after every try (unreachable, 429 or 5xx each time, or timed out each time): one line
/// naming the endpoint and the last cause.</summary>
public sealed class LlmUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

namespace Runlens.Agent.Llm;

/// <summary>An LLM's answer: its text and the tokens it took.</summary>
public sealed record LlmAnswer(string Text, int InputTokens, int OutputTokens, int TotalTokens, int Attempts, TimeSpan Elapsed);

namespace Runlens.Agent.Configuration;

/// <summary>Retry policies (seed 003 §8).</summary>
/// <param name="LlmAttempts">Tries of one LLM request that fails with 429, a 5xx or a time-out (Retry-After is honoured).</param>
/// <param name="BackoffSeconds">The first back-off; it doubles with each try (with jitter).</param>
/// <param name="MaxDelaySeconds">The longest wait between two tries, Retry-After included.</param>
/// <param name="InvalidAnswers">How many times an answer that is not a valid plan is asked for again before the
/// rule-based planner decides.</param>
/// <param name="RunAttempts">Tries of a training run that fails (a crash is often not transient: default 1).</param>
public sealed record RetrySettings(int LlmAttempts, double BackoffSeconds, double MaxDelaySeconds, int InvalidAnswers, int RunAttempts)
{
    public static RetrySettings Default { get; } = new(4, 1, 30, 1, 1);
}

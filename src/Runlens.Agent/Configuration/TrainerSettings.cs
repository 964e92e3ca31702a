using System.Collections.Immutable;

namespace Runlens.Agent.Configuration;

/// <summary>Which trainer runs the experiments, and its limits.</summary>
/// <param name="Kind"><c>reference</c>: Runlens' PyTorch trainer (<c>clients/python/runlens_trainer.py</c>);
/// <c>command</c>: the user's own command.</param>
/// <param name="Command">For <c>command</c>: the program and its arguments, with <c>{config}</c>, <c>{seed}</c> and
/// <c>{out}</c> placeholders. Run directly (never through a shell), recorded as <c>runlens run</c> records a command.</param>
/// <param name="Script">For <c>reference</c>: the trainer script; null: the one shipped next to the runlens executable.</param>
/// <param name="TimeLimitSeconds">Wall-clock limit of one training run; past it the run is killed and recorded as timed out.</param>
/// <param name="MaxMemoryMb">Address-space limit of the trainer and the model check (generated code runs under it).</param>
/// <param name="CheckTimeLimitSeconds">Wall-clock limit of the model check.</param>
/// <param name="Predictions">The validation predictions file a run writes in its folder.</param>
/// <param name="RunMemoryMb">Resident-memory limit of each training run's process and its children
/// (<c>limits.memory_mb</c>), watched from outside; past it the run is killed and recorded as out of memory. Null: none.</param>
public sealed record TrainerSettings(
    string Kind,
    ImmutableArray<string> Command,
    string? Script,
    double TimeLimitSeconds,
    int MaxMemoryMb,
    double CheckTimeLimitSeconds,
    string Predictions,
    int? RunMemoryMb = null)
{
    public static TrainerSettings Default { get; } = new("reference", [], null, 600, 4096, 120, "predictions.csv");
}

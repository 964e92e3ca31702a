using System.Collections.Immutable;

namespace Runlens.Agent.Configuration;

/// <summary>Evaluation settings (seed 003 §8): the seeds of each experiment, the validation split, how many seeds train
/// at once, and the defaults of the first configuration when the goal gives none.</summary>
public sealed record EvaluationSettings(
    ImmutableArray<int> Seeds,
    double Split,
    int Parallel,
    int Epochs,
    int BatchSize,
    double LearningRate,
    string Optimizer,
    string Architecture)
{
    public static EvaluationSettings Default { get; } = new([1, 2, 3], 0.25, 2, 10, 32, 1e-3, "adam", "mlp");
}

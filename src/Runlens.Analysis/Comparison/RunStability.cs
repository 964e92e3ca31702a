namespace Runlens.Analysis.Comparison;

/// <summary>How steady one run's training was.</summary>
/// <param name="Run">Index of the run.</param>
/// <param name="LossKey">The training loss series (null when none was logged).</param>
/// <param name="LossStd">Sample standard deviation (ddof 1) of the finite training-loss values over the last
/// <see cref="ComparisonOptions.StabilityTail"/> of its logged points (at least 2 points); null with fewer than 2 finite values there.</param>
/// <param name="LossStdFromStep">The first step of that tail.</param>
/// <param name="LossStdPoints">Finite points the std was taken over.</param>
/// <param name="NonFiniteLoss">NaN or infinite training-loss values in the whole run.</param>
/// <param name="GradNormMedian">Median of the finite gradient norms; null when not logged.</param>
/// <param name="GradNormMax">Largest finite gradient norm; null when not logged.</param>
public sealed record RunStability(int Run, string? LossKey, double? LossStd, long? LossStdFromStep, int LossStdPoints, int NonFiniteLoss,
    double? GradNormMedian, double? GradNormMax);

namespace Runlens.Analysis.Comparison;

/// <summary>A run's place in the ranking by the primary metric's best value.</summary>
/// <param name="Run">Index of the run (in the order given).</param>
/// <param name="Rank">1 for the best run.</param>
/// <param name="Primary">Best and final value of the primary metric in this run.</param>
/// <param name="GapToBest">How far this run's best is from the best run's (0 for the best; positive = worse).</param>
public sealed record RankedRun(int Run, int Rank, MetricSummary Primary, double GapToBest);

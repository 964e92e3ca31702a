using System.Collections.Immutable;

namespace Runlens.Analysis.Comparison;

/// <summary>The metric the runs are ranked by.</summary>
/// <param name="Key">Its series key, e.g. <c>val/loss</c>.</param>
/// <param name="GreaterIsBetter">Its direction.</param>
/// <param name="Source">Why this metric (the diagnoses' choice, e.g. <c>validation loss</c>, or the training-loss fallback).</param>
/// <param name="PerRun">The primary metric each run's own diagnosis chose (null where it found none), in run order.</param>
/// <param name="Agreed">Whether every run's diagnosis chose <paramref name="Key"/>.</param>
/// <param name="Note">What the reader should know when the runs disagree or the metric is not a validation metric; null otherwise.</param>
public sealed record PrimaryMetricChoice(string Key, bool GreaterIsBetter, string Source, ImmutableArray<string?> PerRun, bool Agreed, string? Note);

using System.Collections.Immutable;

namespace Runlens.Analysis.Comparison;

/// <summary>Runs with the same settings (every config key but seeds and bookkeeping equal), and the primary metric's best
/// value across them. A run whose settings were not logged is a group of its own.</summary>
/// <param name="Runs">Indices of the runs, in the order given.</param>
/// <param name="Values">The primary metric's best value in each of those runs.</param>
/// <param name="Mean">Mean of <paramref name="Values"/>.</param>
/// <param name="Std">Sample standard deviation (ddof 1); null for a single run.</param>
/// <param name="SeedsDiffer">Whether the runs differ by a seed key (a group of seeds rather than of repeats or a single run).</param>
public sealed record ConfigGroup(ImmutableArray<int> Runs, ImmutableArray<double> Values, double Mean, double? Std, double Min, double Max, bool SeedsDiffer);

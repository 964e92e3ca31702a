using System.Collections.Immutable;

namespace Runlens.Analysis.Sweeps;

/// <summary>Finding rates per level of one categorical parameter (or a numeric one with few values).</summary>
public sealed record FindingRates(string Parameter, ImmutableArray<LevelFindings> Levels);

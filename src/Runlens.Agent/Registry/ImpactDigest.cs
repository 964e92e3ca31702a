using System.Collections.Immutable;

namespace Runlens.Agent.Registry;

/// <summary><c>runlens impact</c> over the goal's runs, once there are enough of them: the metric and the parameters,
/// most important first, as <c>key: rho (p), importance</c>.</summary>
public sealed record ImpactDigest(string? Metric, int Runs, ImmutableArray<string> Parameters, ImmutableArray<string> Caveats);

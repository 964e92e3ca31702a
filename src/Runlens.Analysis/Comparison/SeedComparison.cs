using System.Collections.Immutable;

namespace Runlens.Analysis.Comparison;

/// <summary>
/// The best configuration against the seed-to-seed spread. The spread is the pooled sample standard deviation <c>s</c>
/// of the primary metric over the groups of runs that differ only by seed; the noise on the difference between the
/// best two configurations' means is <c>2·s·√(1/n₁ + 1/n₂)</c> (about a 95% band), and the margin is beyond seed noise
/// when it is larger than that.
/// </summary>
/// <param name="Verdict">The conclusion.</param>
/// <param name="SeedKeys">Config keys recognised as seeds (see <see cref="ConfigKeys.IsSeed"/>) in any run.</param>
/// <param name="Groups">Configurations, best mean first (only runs with the primary metric).</param>
/// <param name="PooledStd">The seed spread <c>s</c>; null without a seed group.</param>
/// <param name="Margin">Difference between the best two configurations' means (positive); null with fewer than two.</param>
/// <param name="Noise">The noise band the margin is compared with; null without a seed group.</param>
/// <param name="Message">The conclusion as one sentence.</param>
public sealed record SeedComparison(
    SeedVerdict Verdict,
    ImmutableArray<string> SeedKeys,
    ImmutableArray<ConfigGroup> Groups,
    double? PooledStd,
    double? Margin,
    double? Noise,
    string Message);

namespace Runlens.Analysis.Comparison;

/// <summary>Whether the best configuration's margin is larger than the seed-to-seed spread.</summary>
public enum SeedVerdict
{
    /// <summary>Fewer than two runs have the primary metric: nothing to weigh.</summary>
    NotApplicable,

    /// <summary>No configuration was run with several seeds: the spread is unknown.</summary>
    SeedsUnknown,

    /// <summary>Every ranked run has the same configuration: their differences are seed noise.</summary>
    OneConfiguration,

    /// <summary>The margin between the best two configurations is within the noise the seeds show.</summary>
    WithinSeedNoise,

    /// <summary>The margin between the best two configurations is larger than the noise the seeds show.</summary>
    BeyondSeedNoise,
}

using System.Text.Json.Serialization;

namespace Runlens.Agent.Goals;

/// <summary>Which figure of a metric over the seeds is held against the threshold.</summary>
public enum JudgedOn
{
    /// <summary>The mean over the seeds.</summary>
    [JsonStringEnumMemberName("mean")]
    Mean,

    /// <summary>The bound of the 95% interval on the unfavourable side: the lower bound for a metric to maximise, the
    /// upper bound for one to minimise (the goal holds even at the pessimistic end of the interval).</summary>
    [JsonStringEnumMemberName("ci95_bound")]
    Ci95Bound,
}

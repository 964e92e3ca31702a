using Runlens.Analysis.Findings;

namespace Runlens.Reports.Contracts;

/// <summary>What to do: one sentence, and the config change it implies (may be empty).</summary>
public sealed record RecommendationJson(string Action, IReadOnlyDictionary<string, ConfigChangeJson> ConfigChange)
{
    public static RecommendationJson From(Recommendation r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new(r.Action, ConfigChangeJson.Map(r.ConfigChanges));
    }
}

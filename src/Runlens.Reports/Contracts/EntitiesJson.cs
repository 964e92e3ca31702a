using Runlens.Analysis.Entities;

namespace Runlens.Reports.Contracts;

/// <summary>Entity-level scores of a token-classification file: per type, micro, macro, weighted, token accuracy, warnings.</summary>
public sealed record EntitiesJson(
    IReadOnlyDictionary<string, EntityScoresJson> PerType,
    EntityScoresJson Micro,
    EntityScoresJson Macro,
    EntityScoresJson Weighted,
    double TokenAccuracy,
    IReadOnlyList<string> Warnings)
{
    public static EntitiesJson From(EntityReport e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var perType = new Dictionary<string, EntityScoresJson>(StringComparer.Ordinal);
        foreach (var t in e.PerType)
        {
            perType[t.Type] = EntityScoresJson.From(t.Scores);
        }

        return new(perType, EntityScoresJson.From(e.Micro), EntityScoresJson.From(e.Macro), EntityScoresJson.From(e.Weighted), e.TokenAccuracy, e.Warnings);
    }
}

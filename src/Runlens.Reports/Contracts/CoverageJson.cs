using System.Text.Json.Serialization;
using Runlens.Analysis.Diagnoses;

namespace Runlens.Reports.Contracts;

/// <summary>What the rules could check: a score, the signals present, those missing with the rules each blocks, and (left
/// out of the compact view for agents) the rules that ran and those that failed.</summary>
public sealed record CoverageJson(
    double Score,
    IReadOnlyList<string> Present,
    IReadOnlyList<MissingSignalJson> Missing,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? RulesRun,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? RuleErrors)
{
    /// <summary>The coverage; without <paramref name="rulesRun"/> the lists of rules that ran and failed are left out.</summary>
    public static CoverageJson From(Coverage c, bool rulesRun = true)
    {
        ArgumentNullException.ThrowIfNull(c);
        return new(c.Score, c.Present, [.. c.Missing.Select(m => new MissingSignalJson(m.Signal, m.Blocks, m.HowToLog))],
            rulesRun ? c.RulesRun : null, rulesRun ? c.RuleErrors : null);
    }
}

using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Runlens.Agent.Experiments;
using Runlens.Agent.Registry;
using Runlens.Analysis.Diagnoses;
using Runlens.Analysis.Evaluation;
using Runlens.Analysis.Findings;
using Runlens.Model;
using Runlens.Pipeline.Diagnosing;
using Runlens.Pipeline.Resolution;

namespace Runlens.Agent.Tools;

/// <summary>
/// The diagnosis tool: each seed's run diagnosed by the pipeline's <see cref="DiagnosisService"/> with that seed's
/// validation predictions (the same rules, options and result as <c>runlens analyze DIR --predictions FILE</c>), and
/// the digest the registry keeps: the root causes over the seeds (most seeds first), the config change most seeds'
/// diagnoses recommend, the worst status.
/// </summary>
public static class SeedDiagnoses
{
    public static IReadOnlyDictionary<int, Diagnosis> Diagnose(DiagnosisService service, IReadOnlyList<SeedOutcome> outcomes, IReadOnlyDictionary<int, PredictionContext> predictions)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(outcomes);
        var runs = outcomes.Where(o => o.Run is not null).ToList();
        var resolved = runs.Select(o => new ResolvedRun(o.Run!, predictions.GetValueOrDefault(o.Seed))).ToList();
        var diagnoses = service.DiagnoseAll(resolved);
        return runs.Select((o, i) => (o.Seed, diagnoses[i])).ToDictionary(x => x.Seed, x => x.Item2);
    }

    /// <param name="bestSeed">The seed whose diagnosis leads (headline, config values); null: the first.</param>
    public static DiagnosisDigest? Digest(IReadOnlyDictionary<int, Diagnosis> diagnoses, int? bestSeed)
    {
        ArgumentNullException.ThrowIfNull(diagnoses);
        if (diagnoses.Count == 0)
        {
            return null;
        }

        var lead = bestSeed is { } b && diagnoses.TryGetValue(b, out var d) ? d : diagnoses.OrderBy(kv => kv.Key).First().Value;
        var causes = diagnoses.SelectMany(kv => kv.Value.RootCauses.Select(c => (Seed: kv.Key, Cause: c)))
            .GroupBy(x => x.Cause.Id)
            .Select(g => (Seeds: g.Select(x => x.Seed).Order().ToImmutableArray(), Cause: g.OrderBy(x => x.Cause == lead.RootCauses.FirstOrDefault(c => c.Id == g.Key) ? 0 : 1).First().Cause))
            .OrderByDescending(x => x.Seeds.Length).ThenByDescending(x => x.Cause.Severity)
            .Select(x => new RootCauseRecord(x.Cause.Id, x.Cause.Title, x.Cause.Severity.ToString().ToLowerInvariant(), x.Cause.Rules, x.Seeds, x.Cause.FixFirst?.Action))
            .ToImmutableArray();
        var status = diagnoses.Values.Max(x => x.Summary.Status);
        var findings = diagnoses.Values.SelectMany(x => x.Findings).Where(f => f.Severity >= Severity.Warning)
            .GroupBy(f => f.Rule).OrderByDescending(g => g.Count()).Select(g => $"{g.Key} ({g.Count()} of {diagnoses.Count} seeds)").ToImmutableArray();
        return new DiagnosisDigest(status.ToString().ToLowerInvariant(), lead.Summary.Headline, causes, [.. MergedChanges(diagnoses, lead)], findings);
    }

    /// <summary>The config changes recommended by at least half of the seeds' diagnoses, with the lead seed's values.</summary>
    public static IEnumerable<ConfigEditRecord> MergedChanges(IReadOnlyDictionary<int, Diagnosis> diagnoses, Diagnosis lead)
    {
        ArgumentNullException.ThrowIfNull(diagnoses);
        ArgumentNullException.ThrowIfNull(lead);
        var counts = diagnoses.Values.SelectMany(x => x.ConfigChanges.Select(c => c.Key)).GroupBy(k => k).ToDictionary(g => g.Key, g => g.Count());
        foreach (var (key, count) in counts.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (count * 2 < diagnoses.Count)
            {
                continue;
            }

            var change = lead.ConfigChanges.FirstOrDefault(c => c.Key == key) ?? diagnoses.Values.SelectMany(x => x.ConfigChanges).First(c => c.Key == key);
            var why = lead.Findings.Concat(diagnoses.Values.SelectMany(x => x.Findings))
                .FirstOrDefault(f => f.Recommendations.Any(r => r.ConfigChanges.Any(c => c.Key == key))) is { } finding
                ? $"{finding.Rule}: {finding.Title}"
                : "recommended by the diagnosis";
            yield return new ConfigEditRecord(key, Node(change.From), Node(change.To), why);
        }
    }

    /// <summary>A config value as JSON.</summary>
    public static JsonNode? Node(ConfigValue? value) => value switch
    {
        null => null,
        { Kind: ConfigValueKind.Number } v => JsonValue.Create(v.Number),
        { Kind: ConfigValueKind.Boolean } v => JsonValue.Create(v.Boolean),
        { Kind: ConfigValueKind.Null } => null,
        { } v => JsonValue.Create(v.Text),
    };

    /// <summary>Whether a diagnosis key is one the agent's configurations have.</summary>
    public static bool IsAgentKey(string key) => ConfigKeys.All.Any(k => k.Key == key);
}

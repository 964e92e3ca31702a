using System.Collections.Immutable;
using System.Globalization;
using Runlens.Analysis.Findings;

namespace Runlens.Live.Alerts.Detectors;

/// <summary>
/// Every finding of the diagnosis is a candidate under its key, <c>finding:RULE-ID[:SERIES,…]</c> (a second finding of the
/// same rule on the same series gets <c>#2</c>); the ones the config's <see cref="AlertConfig.Rules"/> do not let through
/// are <see cref="AlertCandidate.Muted"/>. For each finding the most specific entry decides: one naming its rule (the last
/// such) over <c>*</c>; with no matching entry the finding is muted.
/// </summary>
internal sealed class FindingDetector(ImmutableArray<AlertRuleFilter> rules) : IAlertDetector
{
    private readonly Dictionary<string, int> _repeats = new(StringComparer.Ordinal);

    public void Detect(DetectorInput input, List<AlertCandidate> candidates)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(candidates);
        var findings = input.Diagnosis.Findings;
        if (findings.IsDefaultOrEmpty)
        {
            return;
        }

        _repeats.Clear();
        foreach (var f in findings)
        {
            var key = Key(f);
            var n = _repeats[key] = _repeats.GetValueOrDefault(key) + 1;
            if (n > 1)
            {
                key += "#" + n.ToString(CultureInfo.InvariantCulture);
            }

            candidates.Add(AlertCandidate.Of(key, f, muted: MinSeverity(f.RuleId) is not { } min || f.Severity < min));
        }
    }

    /// <summary>A finding's key before repeats are numbered: <c>finding:RULE-ID[:SERIES,…]</c>, series in ordinal order.</summary>
    public static string Key(Finding finding) => "finding:" + Watch.FindingKey.Of(finding);

    /// <summary>The most specific filter wins: an entry naming the rule (the last such) over the wildcard.</summary>
    private Severity? MinSeverity(string ruleId)
    {
        AlertRuleFilter? wildcard = null, specific = null;
        foreach (var r in rules)
        {
            if (r.IsWildcard)
            {
                wildcard = r;
            }
            else if (string.Equals(r.Rule, ruleId, StringComparison.OrdinalIgnoreCase))
            {
                specific = r;
            }
        }

        return (specific ?? wildcard)?.MinSeverity;
    }
}

using Runlens.Analysis.Findings;

namespace Runlens.Live.Watch;

/// <summary>The identity of a finding across re-diagnoses of a growing run: its rule and the series it is about. Its
/// title carries numbers that change with every new point, so it is not part of the key.</summary>
public static class FindingKey
{
    public static string Of(Finding finding)
    {
        ArgumentNullException.ThrowIfNull(finding);
        return finding.SeriesKeys.IsEmpty ? finding.RuleId : finding.RuleId + ":" + string.Join(',', finding.SeriesKeys);
    }
}

using Runlens.Analysis.Findings;

namespace Runlens.Live.Watch;

/// <summary>The identity of a finding across re-diagnoses of a growing run: its rule and the series it is about. Its
/// title carries numbers that change with every new point, so it is not part of the key.</summary>
public static class FindingKey
{
    public static string Of(Finding finding)
    {
        ArgumentNullException.ThrowIfNull(finding);
        var series = finding.SeriesKeys;
        return series.IsEmpty ? finding.RuleId : finding.RuleId + ":" + string.Join(',', series.Distinct().Order(StringComparer.Ordinal));
    }
}

namespace Runlens.Analysis.Sweeps;

/// <summary>A finding much more common at one level of a parameter than at another, both with enough runs.</summary>
/// <param name="Parameter">The parameter.</param>
/// <param name="Rule">The rule slug.</param>
/// <param name="RuleId">The rule id.</param>
/// <param name="Value">The level where the finding is most common.</param>
/// <param name="Runs">Runs at that level.</param>
/// <param name="Share">Share of them with the finding.</param>
/// <param name="OtherValue">The level where it is least common.</param>
/// <param name="OtherRuns">Runs at that level.</param>
/// <param name="OtherShare">Share of them with the finding.</param>
public sealed record FindingContrast(string Parameter, string Rule, string RuleId, string Value, int Runs, double Share,
    string OtherValue, int OtherRuns, double OtherShare)
{
    public double Difference => Share - OtherShare;
}

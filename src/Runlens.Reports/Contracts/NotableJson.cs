namespace Runlens.Reports.Contracts;

/// <summary>A notable contrast: a finding far more common with one value of a key than with another.</summary>
public sealed record NotableJson(string Parameter, string Rule, string Id, string Value, int Runs, double Share, string OtherValue, int OtherRuns,
    double OtherShare, double Difference);

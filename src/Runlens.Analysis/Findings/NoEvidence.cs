namespace Runlens.Analysis.Findings;

/// <summary>Evidence with no fields (<c>{}</c>): for findings built outside the rules. No rule declares it.</summary>
public sealed record NoEvidence : Evidence
{
    public static NoEvidence Instance { get; } = new();
}

using System.Collections.Immutable;

namespace Runlens.Bench.DiagnosisScoring;

/// <summary>One rule over one split.</summary>
/// <param name="Rule">The rule's slug.</param>
/// <param name="MeantFor">Conditions whose faults include the rule.</param>
/// <param name="TruePositives">Runs where it is a fault and fired.</param>
/// <param name="FalseNegatives">Runs where it is a fault and did not fire.</param>
/// <param name="FalsePositives">Runs where it fired without being a fault or allowed.</param>
/// <param name="AllowedFirings">Runs where it fired and was allowed (not counted either way).</param>
internal sealed record RuleScore(string Rule, ImmutableArray<string> MeantFor, int TruePositives, int FalseNegatives, int FalsePositives, int AllowedFirings)
{
    /// <summary>TP / (TP + FP); 1 when the rule never fired (it raised no false alarm).</summary>
    public double Precision => TruePositives + FalsePositives == 0 ? 1 : TruePositives / (double)(TruePositives + FalsePositives);

    /// <summary>TP / (TP + FN); 1 when no run needs the rule.</summary>
    public double Recall => TruePositives + FalseNegatives == 0 ? 1 : TruePositives / (double)(TruePositives + FalseNegatives);

    /// <summary>Whether the rule took part at all (is a fault somewhere, or fired somewhere).</summary>
    public bool Active => TruePositives + FalseNegatives + FalsePositives + AllowedFirings > 0;
}

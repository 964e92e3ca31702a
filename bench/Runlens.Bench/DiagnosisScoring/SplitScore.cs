using System.Collections.Immutable;

namespace Runlens.Bench.DiagnosisScoring;

/// <summary>The benchmark's figures for one split (or the quick subset of it).</summary>
/// <param name="Split"><c>tuning</c> or <c>heldout</c>.</param>
/// <param name="Outcomes">Every run of the split.</param>
/// <param name="Rules">Every scored rule.</param>
/// <param name="RootCauseRight">Runs whose first root cause is the true one (healthy: none reported).</param>
/// <param name="HealthyRuns">Runs whose true cause is healthy.</param>
/// <param name="HealthyWithErrors">Healthy runs with at least one error finding.</param>
/// <param name="BestStepRuns">Runs with a true best step.</param>
/// <param name="BestStepExact">Of those, runs whose diagnosis names exactly that step.</param>
/// <param name="Imported">Runs whose log and predictions Runlens read.</param>
internal sealed record SplitScore(
    string Split,
    ImmutableArray<RunOutcome> Outcomes,
    ImmutableArray<RuleScore> Rules,
    int RootCauseRight,
    int HealthyRuns,
    int HealthyWithErrors,
    int BestStepRuns,
    int BestStepExact,
    int Imported)
{
    public int Runs => Outcomes.Length;

    public double RootCauseTop1 => Ratio(RootCauseRight, Runs);

    public double HealthyWithoutErrors => Ratio(HealthyRuns - HealthyWithErrors, HealthyRuns);

    public double BestStepExactness => Ratio(BestStepExact, BestStepRuns);

    public double ImportedShare => Ratio(Imported, Runs);

    /// <summary>Every figure by name, each higher-is-better, as recorded.json holds them.</summary>
    public ImmutableSortedDictionary<string, double> Figures()
    {
        var figures = ImmutableSortedDictionary.CreateBuilder<string, double>(StringComparer.Ordinal);
        figures["root_cause_top1"] = Round(RootCauseTop1);
        figures["healthy_without_errors"] = Round(HealthyWithoutErrors);
        figures["best_step_exact"] = Round(BestStepExactness);
        figures["imported"] = Round(ImportedShare);
        foreach (var r in Rules.Where(r => r.Active))
        {
            figures[$"rule.{r.Rule}.precision"] = Round(r.Precision);
            figures[$"rule.{r.Rule}.recall"] = Round(r.Recall);
        }

        return figures.ToImmutable();
    }

    private static double Ratio(int a, int b) => b == 0 ? 1 : a / (double)b;

    private static double Round(double v) => Math.Round(v, 4);
}

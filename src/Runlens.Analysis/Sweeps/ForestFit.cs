using System.Collections.Immutable;

namespace Runlens.Analysis.Sweeps;

/// <summary>How the random forest behind the importances was fitted, and how well it predicts the metric.</summary>
/// <param name="Library">The implementation (Runlens' own random forest, grown as scikit-learn grows one, and permutation importance).</param>
/// <param name="Trees">Trees per forest.</param>
/// <param name="Repeats">Fits, each with its own seed and hold-out split.</param>
/// <param name="TrainRuns">Runs each forest is trained on.</param>
/// <param name="HeldOutRuns">Runs held out of each fit; importances and R² are measured on them.</param>
/// <param name="HeldOutR2">R² of the forest on the held-out runs, per fit: near 0 or below, the forest explains nothing and
/// its importances mean little.</param>
/// <param name="Encoding">How the parameters are presented to the forest.</param>
/// <param name="Measure">What an importance is.</param>
public sealed record ForestFit(string Library, int Trees, int Repeats, int TrainRuns, int HeldOutRuns, ImmutableArray<double> HeldOutR2, string Encoding,
    string Measure)
{
    public double HeldOutR2Mean => HeldOutR2.IsDefaultOrEmpty ? double.NaN : HeldOutR2.Average();

    /// <summary>Standard deviation of the held-out R² over the fits (ddof 1).</summary>
    public double HeldOutR2Std => HeldOutR2.Length < 2 ? 0
        : Math.Sqrt(HeldOutR2.Sum(r => (r - HeldOutR2Mean) * (r - HeldOutR2Mean)) / (HeldOutR2.Length - 1));
}

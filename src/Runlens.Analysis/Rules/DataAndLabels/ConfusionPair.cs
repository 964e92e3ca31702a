namespace Runlens.Analysis.Rules.DataAndLabels;

/// <summary>Examples of class <see cref="True"/> predicted as <see cref="Predicted"/>: how many, and their share of the true
/// class's examples.</summary>
public sealed record ConfusionPair(string True, string Predicted, long Count, double Rate);

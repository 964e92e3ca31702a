using System.Collections.Immutable;

namespace Runlens.Analysis.Metrics;

/// <summary>
/// One class's ROC and precision-recall curves, one-vs-rest over its probability column, as scikit-learn's
/// <c>roc_curve</c> (with its default <c>drop_intermediate=True</c>) and <c>precision_recall_curve</c> give them. The ROC
/// curve starts at (0, 0) with the threshold +∞ (scikit-learn ≥ 1.3 writes <c>inf</c>; 1.2 wrote the highest score + 1).
/// The precision-recall curve runs from the lowest threshold to the highest and ends at (recall 0, precision 1), which has
/// no threshold. A curve longer than <see cref="ClassCurves.MaxPoints"/> keeps that many points at evenly spaced
/// positions, the first and the last included; <see cref="RocPoints"/> and <see cref="PrPoints"/> say how long it was.
/// </summary>
public sealed record ClassCurve(
    string Class,
    long Positives,
    long Negatives,
    ImmutableArray<double> Fpr,
    ImmutableArray<double> Tpr,
    ImmutableArray<double> RocThresholds,
    int RocPoints,
    ImmutableArray<double> Precision,
    ImmutableArray<double> Recall,
    ImmutableArray<double> PrThresholds,
    int PrPoints);

namespace Runlens.Analysis.Metrics;

/// <summary>One class's ROC-AUC (null when the class is every example's label) and average precision, as
/// <see cref="ScoreRanking"/> computes them.</summary>
internal sealed record RankedScores(double? Auc, double AveragePrecision);

namespace Runlens.Reports.Contracts;

/// <summary>The confusion matrix normalised by true class (rows), by predicted class (columns) and by all examples.</summary>
public sealed record NormalizedMatrixJson(IReadOnlyList<IReadOnlyList<double>> True, IReadOnlyList<IReadOnlyList<double>> Pred, IReadOnlyList<IReadOnlyList<double>> All);

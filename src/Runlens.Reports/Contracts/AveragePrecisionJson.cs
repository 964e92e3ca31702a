namespace Runlens.Reports.Contracts;

/// <summary>Average precision (PR-AUC): macro, and per class where it is defined.</summary>
public sealed record AveragePrecisionJson(double Macro, IReadOnlyDictionary<string, double> PerClass);

namespace Runlens.Audit.Results;

/// <summary>Evidence that an id-like column predicts the label: the label's majority per bin of the column's order
/// against the majority class alone.</summary>
/// <param name="Column">The column.</param>
/// <param name="Table">Its table.</param>
/// <param name="Unique">Share of distinct values (1 = every row differs).</param>
/// <param name="Bins">Equal-count bins of the column's order.</param>
/// <param name="Accuracy">Accuracy of predicting each row's label as its bin's majority label.</param>
/// <param name="Baseline">Accuracy of the majority label alone.</param>
/// <param name="MinLift">The limit on accuracy − baseline.</param>
public sealed record IdColumnEvidence(int Examined, int Count, string Column, string Table, double Unique, int Bins,
    double Accuracy, double Baseline, double MinLift) : AuditEvidence(Examined, Count);

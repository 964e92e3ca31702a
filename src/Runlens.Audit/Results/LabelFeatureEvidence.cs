namespace Runlens.Audit.Results;

/// <summary>Evidence that one feature column, on its own, predicts the label almost perfectly: the best single-column
/// rule (per distinct value its majority label, or the column cut at its best thresholds) against the majority label.</summary>
/// <param name="Column">The column.</param>
/// <param name="Table">Its table.</param>
/// <param name="Split">The table's split.</param>
/// <param name="Rows">Rows with a label and a value in the column.</param>
/// <param name="Rule"><c>values</c> (each distinct value predicts its majority label) or <c>thresholds</c> (the column cut
/// into at most as many intervals as there are classes, each predicting its majority label).</param>
/// <param name="Accuracy">Accuracy of that rule on the rows.</param>
/// <param name="Baseline">Accuracy of the majority label alone.</param>
/// <param name="MinAccuracy">The accuracy that fires the rule.</param>
/// <param name="MaxErrorRatio">The rule's error must be at most this share of the majority label's error.</param>
public sealed record LabelFeatureEvidence(int Examined, int Count, string Column, string Table, string Split, int Rows,
    string Rule, double Accuracy, double Baseline, double MinAccuracy, double MaxErrorRatio) : AuditEvidence(Examined, Count);

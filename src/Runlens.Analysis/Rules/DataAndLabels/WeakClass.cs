namespace Runlens.Analysis.Rules.DataAndLabels;

/// <summary>A class's scores from the validation predictions.</summary>
public sealed record WeakClass(string Class, double F1, double Precision, double Recall, long Support);

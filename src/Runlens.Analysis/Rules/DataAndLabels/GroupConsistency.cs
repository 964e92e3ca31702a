namespace Runlens.Analysis.Rules.DataAndLabels;

/// <summary>One group's predictions and labels: its most frequent predicted class and label, and their shares.</summary>
public sealed record GroupConsistency(string Group, int Examples, string PredictedClass, double PredictedFraction, string LabelClass,
    double LabelFraction, double Accuracy);

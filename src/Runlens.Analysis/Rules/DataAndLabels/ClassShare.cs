namespace Runlens.Analysis.Rules.DataAndLabels;

/// <summary>The share of predictions and of labels that are one class.</summary>
public sealed record ClassShare(string Class, double PredictedFraction, double LabelFraction);

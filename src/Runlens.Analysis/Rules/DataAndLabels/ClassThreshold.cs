namespace Runlens.Analysis.Rules.DataAndLabels;

/// <summary>A class's confident-learning threshold: the mean predicted probability of the class over the examples
/// labelled with it (NaN when none is).</summary>
public sealed record ClassThreshold(string Class, int LabelledExamples, double ConfidenceThreshold);

namespace Runlens.Analysis.Rules.DataAndLabels;

/// <summary>How many examples carry a label.</summary>
public sealed record ClassSupport(string Class, long Count);

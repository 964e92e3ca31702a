namespace Runlens.Analysis.Rules.DataAndLabels;

/// <summary>How many examples labelled <see cref="Given"/> confident learning assigns to <see cref="Suspected"/>.</summary>
public sealed record LabelPair(string Given, string Suspected, long Count);

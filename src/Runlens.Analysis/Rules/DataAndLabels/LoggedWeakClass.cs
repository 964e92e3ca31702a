namespace Runlens.Analysis.Rules.DataAndLabels;

/// <summary>A class's F1 as the trainer logged it at its last evaluation, and its support when logged too.</summary>
public sealed record LoggedWeakClass(string Class, string Series, double F1, long? Support);

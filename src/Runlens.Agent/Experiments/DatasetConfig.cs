namespace Runlens.Agent.Experiments;

/// <summary>The data set of an experiment, as the reference trainer reads it.</summary>
/// <param name="Source"><c>sklearn:NAME</c>, <c>csv:PATH</c> or <c>module:PATH.py:FUNCTION</c>.</param>
/// <param name="Split">The validation share (stratified, the same split for every seed).</param>
/// <param name="SplitSeed">The seed of the split.</param>
/// <param name="Standardize">Whether features are standardised with the training part's mean and deviation.</param>
/// <param name="Target">The label column of a CSV data set.</param>
public sealed record DatasetConfig(string Source, double Split = 0.25, int SplitSeed = 0, bool Standardize = true, string? Target = null);

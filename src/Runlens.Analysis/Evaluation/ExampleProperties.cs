namespace Runlens.Analysis.Evaluation;

/// <summary>Measured properties of one example (from a data audit), as slice values by column name, with the id and
/// path that predictions are joined by.</summary>
/// <param name="Id">The example's id (its path relative to its split, or a row id).</param>
/// <param name="Path">The example's full path as the audit reached it.</param>
/// <param name="Slices">Column name → slice value, e.g. <c>image blur</c> → <c>blurred</c>.</param>
public sealed record ExampleProperties(string Id, string Path, IReadOnlyDictionary<string, string> Slices);

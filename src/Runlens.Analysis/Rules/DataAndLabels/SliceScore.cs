namespace Runlens.Analysis.Rules.DataAndLabels;

/// <summary>One slice's scores. A bucket of a numeric column is named by its interval (<c>[5, 10)</c>, <c>&lt; 5</c>,
/// <c>≥ 15</c>) and carries its bounds; a slice of a text column has no bounds.</summary>
public sealed record SliceScore(string Slice, double? Low, double? High, int Examples, double Accuracy, double MacroF1, bool Judged);

using Runlens.Model.Predictions;

namespace Runlens.Analysis.Evaluation;

/// <summary>How examples are grouped for the group and slice rules (<c>--group-by</c>, <c>--slice-by</c>,
/// <c>--bucket-by COL:EDGES</c>).</summary>
/// <param name="GroupBy">A column whose values are groups (speaker, patient, document) for group-memorization.</param>
/// <param name="SliceBy">Columns whose values are slices (source, domain) for slice-gap.</param>
/// <param name="BucketBy">A numeric column cut into buckets at the given edges (seed 001's duration buckets).</param>
public sealed record SliceSpec(string? GroupBy, IReadOnlyList<string> SliceBy, (string Column, IReadOnlyList<double> Edges)? BucketBy)
{
    public static SliceSpec None { get; } = new(null, [], null);
}

/// <summary>Predictions given with a run (<c>analyze --predictions</c>) or on their own (<c>evaluate</c>): the examples,
/// their metrics, and how to slice them.</summary>
/// <param name="Role"><c>validation</c> or <c>training</c>.</param>
public sealed record PredictionContext(PredictionEvaluation Evaluation, PredictionSet? Set, TokenPredictionSet? Tokens, SliceSpec Slices, string Role = "validation")
{
    public static PredictionContext Of(PredictionSet set, SliceSpec? slices = null, string role = "validation") =>
        new(PredictionEvaluation.Of(set), set, null, slices ?? SliceSpec.None, role);

    public static PredictionContext Of(TokenPredictionSet set, SliceSpec? slices = null, string role = "validation") =>
        new(PredictionEvaluation.Of(set), null, set, slices ?? SliceSpec.None, role);
}

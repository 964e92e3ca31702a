using Runlens.Model.Predictions;

namespace Runlens.Import.Predictions;

/// <summary>What a predictions file held: per-example classification predictions, or token tags grouped into sentences
/// (when the file has a <c>sentence_id</c> column). Exactly one of the two is set.</summary>
public sealed record PredictionsFile(PredictionSet? Classification, TokenPredictionSet? Tokens)
{
    public bool IsTokenClassification => Tokens is not null;
}

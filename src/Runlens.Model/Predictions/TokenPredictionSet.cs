using System.Collections.Immutable;

namespace Runlens.Model.Predictions;

/// <summary>
/// Token-classification predictions (BIO/IOB2 tags), grouped into sentences by <c>sentence_id</c> in order of first
/// appearance, tokens in file order. Immutable.
/// </summary>
public sealed record TokenPredictionSet
{
    public required string Source { get; init; }

    public required ImmutableArray<TokenSentence> Sentences { get; init; }

    public ImmutableArray<ColumnUse> ColumnUses { get; init; } = [];

    public ImmutableArray<PredictionWarning> Warnings { get; init; } = [];

    public int TokenCount => Sentences.Sum(s => s.Labels.Count);

    /// <summary>Gold tags, one list per sentence (the shape seqeval takes as <c>y_true</c>).</summary>
    public IReadOnlyList<IReadOnlyList<string>> GoldTags() => [.. Sentences.Select(s => s.Labels)];

    /// <summary>Predicted tags, one list per sentence (seqeval's <c>y_pred</c>).</summary>
    public IReadOnlyList<IReadOnlyList<string>> PredictedTags() => [.. Sentences.Select(s => s.Predicted)];
}

/// <summary>One sentence: its id, the line of its first token, and the gold and predicted tag of each token.</summary>
public sealed record TokenSentence(string Id, int Line, IReadOnlyList<string> Labels, IReadOnlyList<string> Predicted);

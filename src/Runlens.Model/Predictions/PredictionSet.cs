using System.Collections.Immutable;

namespace Runlens.Model.Predictions;

/// <summary>
/// Per-example predictions of a classifier, read from a predictions file: the class list (sorted by code point),
/// the true and predicted class of every example as indices into it, the class probabilities when the file has them,
/// example ids, slice columns and the warnings met while reading. Immutable.
/// </summary>
public sealed record PredictionSet
{
    /// <summary>The file the set was read from.</summary>
    public required string Source { get; init; }

    /// <summary>Union of labels, predictions and probability columns, sorted by code point.</summary>
    public required ImmutableArray<string> Classes { get; init; }

    /// <summary>One per example, in file order: the <c>example_id</c> value, or the 1-based row number as text when the
    /// file has no id column (<see cref="HasExampleIds"/> false).</summary>
    public required ImmutableArray<string> ExampleIds { get; init; }

    public bool HasExampleIds { get; init; }

    /// <summary>The line (CSV: where the record starts; JSONL: the line) of each example, for messages.</summary>
    public required ImmutableArray<int> Lines { get; init; }

    /// <summary>Index into <see cref="Classes"/> of each example's true class.</summary>
    public required ImmutableArray<int> TrueIndices { get; init; }

    /// <summary>Index into <see cref="Classes"/> of each example's predicted class.</summary>
    public required ImmutableArray<int> PredictedIndices { get; init; }

    /// <summary>True when the file had no prediction column and the prediction is the argmax of the probabilities
    /// (the first class in <see cref="Classes"/> order on ties).</summary>
    public bool PredictedFromProbabilities { get; init; }

    /// <summary>Row-major probabilities, <c>Count × Classes.Length</c> (example i, class k at <c>i·K + k</c>), as
    /// written in the file (not renormalised); null when the file has none.</summary>
    public ImmutableArray<double>? Probabilities { get; init; }

    /// <summary>Every other column, as text, in header order.</summary>
    public ImmutableArray<SliceColumn> Slices { get; init; } = [];

    /// <summary>Which file column was read as what (aliases included).</summary>
    public ImmutableArray<ColumnUse> ColumnUses { get; init; } = [];

    /// <summary>Problems that did not stop the reading (probabilities not summing to 1, duplicated ids, …).</summary>
    public ImmutableArray<PredictionWarning> Warnings { get; init; } = [];

    public int Count => TrueIndices.Length;

    public bool HasProbabilities => Probabilities is not null;

    /// <summary>Probability of class <paramref name="classIndex"/> for example <paramref name="example"/>.</summary>
    public double Probability(int example, int classIndex) =>
        Probabilities is { } p ? p[(example * Classes.Length) + classIndex] : throw new InvalidOperationException("the set has no probabilities");

    public SliceColumn? Slice(string name) => Slices.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.Ordinal));
}

/// <summary>A column kept as text for slicing (<c>--group-by</c>, <c>--slice-by</c>, <c>--bucket-by</c>).</summary>
public sealed record SliceColumn(string Name, ImmutableArray<string> Values);

/// <summary>File column <paramref name="Column"/> was read as <paramref name="Role"/> (<c>example_id</c>, <c>label</c>,
/// <c>predicted</c>, <c>prob_&lt;class&gt;</c>, <c>sentence_id</c>).</summary>
public sealed record ColumnUse(string Role, string Column, string? Note = null);

/// <summary>A problem that did not stop the reading. <paramref name="Line"/> is null when it concerns the whole file.</summary>
public sealed record PredictionWarning(int? Line, string Message)
{
    public override string ToString() => Line is { } l ? $"line {l}: {Message}" : Message;
}

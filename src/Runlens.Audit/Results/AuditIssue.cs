using System.Collections.Immutable;

namespace Runlens.Audit.Results;

/// <summary>One thing wrong with one example (or a column of a table).</summary>
/// <param name="File">The example's path (or <c>table.csv#row</c>, or a column name for column checks).</param>
/// <param name="Reason">The measured value against the threshold, in words.</param>
/// <param name="Value">The measured value that crossed the threshold, when there is one number.</param>
public sealed record AuditIssue(string File, string Reason, double? Value = null)
{
    /// <summary>The example's split.</summary>
    public string? Split { get; init; }

    /// <summary>The example's label.</summary>
    public string? Label { get; init; }

    /// <summary>Other files involved: the copy it duplicates or leaks from, the images it conflicts with.</summary>
    public ImmutableArray<string> Related { get; init; } = [];

    /// <summary>Hamming distance between perceptual (or text) hashes, for near copies.</summary>
    public int? Distance { get; init; }

    /// <summary>Image width and height in pixels, for image checks.</summary>
    public int? Width { get; init; }

    public int? Height { get; init; }
}

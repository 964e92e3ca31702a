using System.Collections.Immutable;

namespace Runlens.Audit.Results;

/// <summary>
/// One example (a file, or a row of a table) and what was measured on it. Properties that do not apply to its kind are
/// null. These are the per-example properties <c>runlens evaluate --audit</c> joins with predictions.
/// </summary>
/// <param name="Id">The example's id: its path relative to its split's folder (<c>cat/001.jpg</c>), or for a row the
/// table's id column value, else <c>table.csv#row</c>.</param>
/// <param name="Path">The path as the audit reached it (the audited folder joined with <see cref="Id"/> for files).</param>
/// <param name="Split">The split it belongs to.</param>
/// <param name="Kind"><c>image</c>, <c>audio</c>, <c>text</c> or <c>row</c>.</param>
public sealed record AuditExample(string Id, string Path, string Split, string Kind)
{
    /// <summary>The label: the class folder, the labels file's value, or the table's label column.</summary>
    public string? Label { get; init; }

    /// <summary>The folder holding the file, relative to its split (empty at the top).</summary>
    public string? Source { get; init; }

    /// <summary>The format the content says it is (<c>jpeg</c>, <c>png</c>, <c>wav</c>, …), whatever the extension.</summary>
    public string? Format { get; init; }

    /// <summary>File size in bytes.</summary>
    public long? Bytes { get; init; }

    /// <summary>SHA-256 of the bytes (of the text or row values for table rows), hex.</summary>
    public string? Sha256 { get; init; }

    /// <summary>Why the file could not be read fully (corrupt, truncated); null when it decoded.</summary>
    public string? Error { get; init; }

    public int? Width { get; init; }

    public int? Height { get; init; }

    /// <summary>EXIF orientation tag (1 = as stored; 2–8 = the viewer must flip or rotate it).</summary>
    public int? Orientation { get; init; }

    /// <summary>Variance of the Laplacian of the grey image (low = blurred).</summary>
    public double? Blur { get; init; }

    /// <summary>Mean grey level, 0–255.</summary>
    public double? Brightness { get; init; }

    /// <summary>Standard deviation of the grey level, 0–127.5 (near 0 = a flat image).</summary>
    public double? Contrast { get; init; }

    /// <summary>64-bit DCT perceptual hash, 16 hex digits.</summary>
    public string? Phash { get; init; }

    /// <summary>Audio duration in seconds.</summary>
    public double? Duration { get; init; }

    public int? SampleRate { get; init; }

    public int? Channels { get; init; }

    /// <summary>Root mean square level in dB relative to full scale.</summary>
    public double? RmsDbfs { get; init; }

    /// <summary>Fraction of samples at full scale.</summary>
    public double? Clipped { get; init; }

    /// <summary>Characters of text.</summary>
    public int? Characters { get; init; }

    /// <summary>Tokens of text (GPT-2 byte-pair encoding).</summary>
    public int? Tokens { get; init; }

    /// <summary>64-bit SimHash of the text's word shingles, 16 hex digits.</summary>
    public string? Simhash { get; init; }

    /// <summary>The first copy of this example's content, when it is an exact or near copy of another.</summary>
    public string? DuplicateOf { get; init; }

    /// <summary>Slugs of the checks that flagged it.</summary>
    public ImmutableArray<string> Flags { get; init; } = [];
}

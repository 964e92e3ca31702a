namespace Runlens.Audit.Measures;

/// <summary>What decoding one image gave: its format and size, or why it failed, and the pixel statistics.</summary>
/// <param name="Format">The format the decoder recognised (<c>jpeg</c>, <c>png</c>, …), or null.</param>
/// <param name="Error">Why the image could not be decoded fully; null when it decoded.</param>
/// <param name="Rotations">pHashes of the image turned 90°, 180° and 270° clockwise (for rotated copies).</param>
internal sealed record ImageMeasures(string? Format, string? Error, int? Width, int? Height, int? Orientation,
    double? Blur, double? Brightness, double? Contrast, ulong? Phash, ulong[]? Rotations);

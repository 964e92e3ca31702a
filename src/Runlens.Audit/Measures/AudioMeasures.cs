namespace Runlens.Audit.Measures;

/// <summary>What decoding one audio file gave: its format, or why it failed, and the level statistics.</summary>
/// <param name="Duration">Seconds.</param>
/// <param name="RmsDbfs">Root mean square over every sample of every channel, dB relative to full scale (−∞ for digital silence).</param>
/// <param name="Peak">Largest absolute sample, 0–1.</param>
/// <param name="Clipped">Fraction of samples at full scale (|x| ≥ 0.999).</param>
internal sealed record AudioMeasures(string? Format, string? Error, double? Duration, int? SampleRate, int? Channels,
    double? RmsDbfs, double? Peak, double? Clipped);

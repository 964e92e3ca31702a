using Runlens.Analysis.Rules;

namespace Runlens.Audit;

/// <summary>How to read the data and which thresholds to use.</summary>
public sealed record AuditOptions
{
    /// <summary>Splits given explicitly (<c>--split NAME=PATH</c>); when empty, folders named train/val/test are splits.</summary>
    public IReadOnlyList<(string Name, string Path)> Splits { get; init; } = [];

    /// <summary>A CSV mapping file names to labels (<c>--labels FILE</c>); else <c>labels.csv</c> or <c>metadata.csv</c>
    /// in the folder, else class folders.</summary>
    public string? LabelsFile { get; init; }

    /// <summary>Check options by <c>slug.option</c> (<c>--set blurry-image.max_variance=50</c>).</summary>
    public RuleSettings Settings { get; init; } = RuleSettings.Default;

    /// <summary>Make thumbnails of the worst images (for the HTML page).</summary>
    public bool Thumbnails { get; init; }

    /// <summary>Files measured at once; 0 = one per core.</summary>
    public int Parallelism { get; init; }
}

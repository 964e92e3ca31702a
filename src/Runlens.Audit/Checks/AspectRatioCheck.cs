using Runlens.Analysis.Findings;
using Runlens.Analysis.Rules;
using Runlens.Audit.Results;

namespace Runlens.Audit.Checks;

/// <summary>RL0705: images far wider than tall or the reverse (banners, strips, scans of several pages).</summary>
internal sealed class AspectRatioCheck : ExampleThresholdCheck
{
    public override RuleDescriptor Descriptor { get; } = RuleDescriptor.Create(
        "RL0705", "extreme-aspect-ratio", "Images far wider than tall, or the reverse", RuleCategory.DataAudit, Severity.Warning, [], [typeof(DataAuditEvidence)],
        new RuleOption("max_ratio", 4, "Images whose longer side is more than this many times the shorter are flagged (resizing them to a square squashes the content fourfold)"));

    protected override string Kind => "image";

    protected override string Measure => "longer side / shorter side";

    protected override bool LowerIsWorse => false;

    protected override string RootCause => "Resized to a square input, a strip-shaped image is squashed or mostly padding; such images are often banners, collages or mis-cropped exports.";

    protected override double? Value(AuditExample e, AuditCheckContext c) =>
        e.Width is { } w && e.Height is { } h && w > 0 && h > 0 ? (double)Math.Max(w, h) / Math.Min(w, h) : null;

    protected override double Threshold(AuditCheckContext c) => c.Option("max_ratio");

    protected override string Reason(AuditExample e, double value, double threshold, AuditCheckContext c) =>
        $"{e.Width}×{e.Height} px: aspect ratio {N(value)}, above {N(threshold)}";

    protected override string Title(int count, int examined, double threshold, AuditCheckContext c) =>
        $"{CountOf(count, examined, "images")} have an aspect ratio above {N(threshold)}:1";

    protected override string[] Recommendations(double threshold, AuditCheckContext c) =>
    [
        "Look at these images: crop them to the object, split collages, or pad them to keep proportions instead of stretching them.",
    ];
}

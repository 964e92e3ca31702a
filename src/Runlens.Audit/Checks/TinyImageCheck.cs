using Runlens.Analysis.Findings;
using Runlens.Analysis.Rules;
using Runlens.Audit.Results;

namespace Runlens.Audit.Checks;

/// <summary>RL0703: images with a side under 10 pixels, which a loader treats as corrupt (too small to hold an object).</summary>
internal sealed class TinyImageCheck : ExampleThresholdCheck
{
    public override RuleDescriptor Descriptor { get; } = RuleDescriptor.Create(
        "RL0703", "tiny-image", "Images with a side under 10 pixels", RuleCategory.DataAudit, Severity.Error, [], [typeof(DataAuditEvidence)],
        new RuleOption("min_side", 10, "Images whose width or height is below this many pixels are flagged (under 10 px an image is treated as corrupt)"));

    public override bool LeaveOut => true;

    protected override string Kind => "image";

    protected override string Measure => "shorter side in pixels";

    protected override bool LowerIsWorse => true;

    protected override string RootCause => "An image a few pixels across holds no object to learn from; it is almost always a broken export, an icon or a placeholder.";

    protected override double? Value(AuditExample e, AuditCheckContext c) => e.Width is { } w && e.Height is { } h ? Math.Min(w, h) : null;

    protected override double Threshold(AuditCheckContext c) => c.Option("min_side");

    protected override string Reason(AuditExample e, double value, double threshold, AuditCheckContext c) => $"{e.Width}×{e.Height} px: a side under {N(threshold)} px";

    protected override string Title(int count, int examined, double threshold, AuditCheckContext c) =>
        $"{CountOf(count, examined, "images")} have a side under {N(threshold)} px";

    protected override string[] Recommendations(double threshold, AuditCheckContext c) =>
        ["Remove these images (runlens audit --write-filter FILE lists them) and check the export step that produced them."];
}

using Runlens.Analysis.Findings;
using Runlens.Analysis.Rules;
using Runlens.Audit.Results;

namespace Runlens.Audit.Checks;

/// <summary>RL0706: blurred images, by the variance of the Laplacian of the grey image (below 100 by default). Flat images
/// (RL0707) are left to that check: their Laplacian is near zero whatever their sharpness.</summary>
internal sealed class BlurryImageCheck : ExampleThresholdCheck
{
    public override RuleDescriptor Descriptor { get; } = RuleDescriptor.Create(
        "RL0706", "blurry-image", "Blurred images", RuleCategory.DataAudit, Severity.Warning, [], [typeof(DataAuditEvidence)],
        new RuleOption("max_variance", 100, "Images whose variance of the Laplacian is below this are flagged as blurred (the usual focus-measure threshold for photographs)"),
        new RuleOption("min_contrast", 5, "Images with a grey-level standard deviation below this are flat (RL0707) and not judged here"));

    public override bool LeaveOut => true;

    protected override string Kind => "image";

    protected override string Measure => "variance of the Laplacian";

    protected override bool LowerIsWorse => true;

    protected override double Confidence => 0.8;

    protected override string RootCause => "A blurred image has lost the edges and textures a vision model relies on; a batch of them in validation drags its metrics down for reasons the model cannot fix.";

    protected override double? Value(AuditExample e, AuditCheckContext c) =>
        e.Blur is { } b && e.Contrast is { } s && s >= c.Option("min_contrast") ? b : null;

    protected override double Threshold(AuditCheckContext c) => c.Option("max_variance");

    protected override string Reason(AuditExample e, double value, double threshold, AuditCheckContext c) =>
        $"variance of the Laplacian {N(value)}, below {N(threshold)}";

    protected override string Title(int count, int examined, double threshold, AuditCheckContext c) =>
        $"{CountOf(count, examined, "images")} are blurred (variance of the Laplacian below {N(threshold)})";

    protected override string[] Recommendations(double threshold, AuditCheckContext c) =>
    [
        "Leave the blurred images out of training and evaluation (runlens audit --write-filter FILE lists them), or replace them.",
        "If blur is expected at inference (motion, low light), keep them and train with blur augmentation; measure the model on them with runlens evaluate --audit.",
        "For line art, documents or synthetic images the threshold may be too strict: lower blurry-image.max_variance.",
    ];
}

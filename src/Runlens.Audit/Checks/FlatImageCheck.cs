using Runlens.Analysis.Findings;
using Runlens.Analysis.Rules;
using Runlens.Audit.Results;

namespace Runlens.Audit.Checks;

/// <summary>RL0707: near-constant, black or white images (failed captures, blank placeholders, over- or under-exposed
/// frames).</summary>
internal sealed class FlatImageCheck : ExampleThresholdCheck
{
    public override RuleDescriptor Descriptor { get; } = RuleDescriptor.Create(
        "RL0707", "flat-image", "Near-constant, black or white images", RuleCategory.DataAudit, Severity.Warning, [], [typeof(DataAuditEvidence)],
        new RuleOption("min_contrast", 5, "Images whose grey-level standard deviation is below this (of 0–255) are near-constant"),
        new RuleOption("dark_mean", 10, "Images whose mean grey level is below this are black"),
        new RuleOption("light_mean", 245, "Images whose mean grey level is above this are white"));

    public override bool LeaveOut => true;

    protected override string Kind => "image";

    protected override string Measure => "grey-level standard deviation";

    protected override bool LowerIsWorse => true;

    protected override double Confidence => 0.85;

    protected override string RootCause => "A blank, black or white image carries no content, yet it has a label: the model learns to map nothing to that class.";

    protected override double? Value(AuditExample e, AuditCheckContext c) => e.Contrast;

    protected override double Threshold(AuditCheckContext c) => c.Option("min_contrast");

    protected override bool Flags(AuditExample e, double value, double threshold, AuditCheckContext c) =>
        value < threshold || e.Brightness < c.Option("dark_mean") || e.Brightness > c.Option("light_mean");

    protected override string Reason(AuditExample e, double value, double threshold, AuditCheckContext c) =>
        e.Brightness < c.Option("dark_mean") ? $"black: mean grey level {N(e.Brightness ?? 0)}, below {N(c.Option("dark_mean"))}"
        : e.Brightness > c.Option("light_mean") ? $"white: mean grey level {N(e.Brightness ?? 0)}, above {N(c.Option("light_mean"))}"
        : $"near-constant: grey-level standard deviation {N(value)}, below {N(threshold)}";

    protected override string Title(int count, int examined, double threshold, AuditCheckContext c) =>
        $"{CountOf(count, examined, "images")} are near-constant, black or white";

    protected override string[] Recommendations(double threshold, AuditCheckContext c) =>
    [
        "Leave these images out (runlens audit --write-filter FILE lists them) and check the capture or export step that produced them.",
    ];
}

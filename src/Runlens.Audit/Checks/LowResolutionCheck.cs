using Runlens.Analysis.Findings;
using Runlens.Analysis.Rules;
using Runlens.Audit.Results;

namespace Runlens.Audit.Checks;

/// <summary>RL0704: images below a minimum resolution (100×100 by default).</summary>
internal sealed class LowResolutionCheck : ExampleThresholdCheck
{
    public override RuleDescriptor Descriptor { get; } = RuleDescriptor.Create(
        "RL0704", "low-resolution", "Images below the minimum resolution", RuleCategory.DataAudit, Severity.Warning, [], [typeof(DataAuditEvidence)],
        new RuleOption("min_width", 100, "Images narrower than this many pixels are flagged (a quality filter's usual minimum resolution is 100×100)"),
        new RuleOption("min_height", 100, "Images shorter than this many pixels are flagged"));

    public override bool LeaveOut => true;

    protected override string Kind => "image";

    protected override string Measure => "pixels (width × height)";

    protected override bool LowerIsWorse => true;

    protected override string RootCause => "Upscaled to the model's input size, a low-resolution image is mostly interpolation: it teaches blur and loses the details the labels depend on.";

    protected override double? Value(AuditExample e, AuditCheckContext c) => e.Width is { } w && e.Height is { } h ? (double)w * h : null;

    protected override double Threshold(AuditCheckContext c) => c.Option("min_width") * c.Option("min_height");

    protected override bool Flags(AuditExample e, double value, double threshold, AuditCheckContext c) =>
        e.Width < c.Option("min_width") || e.Height < c.Option("min_height");

    protected override string Reason(AuditExample e, double value, double threshold, AuditCheckContext c) =>
        $"{e.Width}×{e.Height} px: below {Min(c)}";

    protected override string Title(int count, int examined, double threshold, AuditCheckContext c) =>
        $"{CountOf(count, examined, "images")} are below {Min(c)} px";

    protected override string[] Recommendations(double threshold, AuditCheckContext c) =>
    [
        $"Leave out images below {Min(c)} px (runlens audit --write-filter FILE lists them), or find higher-resolution sources for them.",
        "If small images are expected at inference, keep them but check the model's accuracy on them with runlens evaluate --audit.",
    ];

    private static string Min(AuditCheckContext c) => $"{N(c.Option("min_width"))}×{N(c.Option("min_height"))}";
}

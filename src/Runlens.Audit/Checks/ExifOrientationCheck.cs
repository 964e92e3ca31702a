using Runlens.Analysis.Findings;
using Runlens.Analysis.Rules;
using Runlens.Audit.Results;

namespace Runlens.Audit.Checks;

/// <summary>RL0708: images whose EXIF orientation tag says to rotate or flip them: the pixels are stored sideways, and
/// loaders that ignore the tag (PIL's <c>Image.open</c> without <c>ImageOps.exif_transpose</c>, most tensor decoders)
/// train on them rotated.</summary>
internal sealed class ExifOrientationCheck : ExampleThresholdCheck
{
    public override RuleDescriptor Descriptor { get; } = RuleDescriptor.Create(
        "RL0708", "exif-orientation", "Images stored rotated, with an EXIF orientation tag", RuleCategory.DataAudit, Severity.Warning, [], [typeof(DataAuditEvidence)]);

    protected override string Kind => "image";

    protected override string Measure => "EXIF orientation tag";

    protected override bool LowerIsWorse => false;

    protected override double Confidence => 0.95;

    protected override string RootCause => "Viewers apply the EXIF orientation, so the images look right to people, but a training loader that ignores the tag sees them rotated or mirrored.";

    protected override double? Value(AuditExample e, AuditCheckContext c) => e.Orientation;

    protected override double Threshold(AuditCheckContext c) => 1;

    protected override string Reason(AuditExample e, double value, double threshold, AuditCheckContext c) => $"EXIF orientation {N(value)}: {Describe((int)value)}";

    protected override string Title(int count, int examined, double threshold, AuditCheckContext c) =>
        $"{CountOf(count, examined, "images")} are stored rotated or mirrored (EXIF orientation other than 1)";

    protected override string[] Recommendations(double threshold, AuditCheckContext c) =>
    [
        "Apply the orientation once and re-save the images (PIL: ImageOps.exif_transpose(img)), or apply it in the data loader.",
    ];

    private static string Describe(int o) => o switch
    {
        2 => "mirrored left to right",
        3 => "rotated 180°",
        4 => "mirrored top to bottom",
        5 => "mirrored and rotated 90° counter-clockwise",
        6 => "rotated 90° clockwise to display",
        7 => "mirrored and rotated 90° clockwise",
        8 => "rotated 90° counter-clockwise to display",
        _ => "not a valid orientation",
    };
}

using Runlens.Analysis.Findings;
using Runlens.Analysis.Rules;
using Runlens.Audit.Results;

namespace Runlens.Audit.Checks;

/// <summary>RL0716: audio clips too short to hold an utterance or event.</summary>
internal sealed class ShortAudioCheck : ExampleThresholdCheck
{
    public override RuleDescriptor Descriptor { get; } = RuleDescriptor.Create(
        "RL0716", "short-audio", "Audio clips too short", RuleCategory.DataAudit, Severity.Warning, [], [typeof(DataAuditEvidence)],
        new RuleOption("min_seconds", 0.5, "Clips shorter than this many seconds are flagged (half a second barely holds one word)"));

    public override bool LeaveOut => true;

    protected override string Kind => "audio";

    protected override string Measure => "duration in seconds";

    protected override bool LowerIsWorse => true;

    protected override string RootCause => "A clip shorter than a word holds too little signal for its label; very short clips are often cut-off recordings or segmentation errors.";

    protected override double? Value(AuditExample e, AuditCheckContext c) => e.Duration;

    protected override double Threshold(AuditCheckContext c) => c.Option("min_seconds");

    protected override string Reason(AuditExample e, double value, double threshold, AuditCheckContext c) => $"{N(value)} s, shorter than {N(threshold)} s";

    protected override string Title(int count, int examined, double threshold, AuditCheckContext c) =>
        $"{CountOf(count, examined, "audio clips")} are shorter than {N(threshold)} s";

    protected override string[] Recommendations(double threshold, AuditCheckContext c) =>
        ["Listen to a few: drop empty or cut-off clips (runlens audit --write-filter FILE lists them) and check the segmentation that produced them."];
}

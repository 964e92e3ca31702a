using Runlens.Analysis.Findings;
using Runlens.Analysis.Rules;
using Runlens.Audit.Results;

namespace Runlens.Audit.Checks;

/// <summary>RL0717: silent audio: the RMS level over the whole clip is below −60 dBFS by default.</summary>
internal sealed class SilentAudioCheck : ExampleThresholdCheck
{
    public override RuleDescriptor Descriptor { get; } = RuleDescriptor.Create(
        "RL0717", "silent-audio", "Silent audio clips", RuleCategory.DataAudit, Severity.Warning, [], [typeof(DataAuditEvidence)],
        new RuleOption("max_dbfs", -60, "Clips whose RMS level is below this many dB relative to full scale are silent (−60 dBFS is below the noise floor of ordinary recordings)"));

    public override bool LeaveOut => true;

    protected override string Kind => "audio";

    protected override string Measure => "RMS level in dBFS";

    protected override bool LowerIsWorse => true;

    protected override string RootCause => "A silent clip has a label but no sound: the model learns to predict that label from silence, and evaluation scores it on nothing.";

    protected override double? Value(AuditExample e, AuditCheckContext c) => e.RmsDbfs;

    protected override double Threshold(AuditCheckContext c) => c.Option("max_dbfs");

    protected override string Reason(AuditExample e, double value, double threshold, AuditCheckContext c) =>
        double.IsNegativeInfinity(value) ? "digital silence (every sample 0)" : $"RMS {N(value)} dBFS, below {N(threshold)} dBFS";

    protected override string Title(int count, int examined, double threshold, AuditCheckContext c) =>
        $"{CountOf(count, examined, "audio clips")} are silent (RMS below {N(threshold)} dBFS)";

    protected override string[] Recommendations(double threshold, AuditCheckContext c) =>
        ["Drop the silent clips (runlens audit --write-filter FILE lists them) and check the recording or the channel that was kept."];
}

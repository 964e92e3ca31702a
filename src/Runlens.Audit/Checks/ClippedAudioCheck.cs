using Runlens.Analysis;
using Runlens.Analysis.Findings;
using Runlens.Analysis.Rules;
using Runlens.Audit.Results;

namespace Runlens.Audit.Checks;

/// <summary>RL0718: clipped audio: more than 0.1% of the samples sit at full scale.</summary>
internal sealed class ClippedAudioCheck : ExampleThresholdCheck
{
    public override RuleDescriptor Descriptor { get; } = RuleDescriptor.Create(
        "RL0718", "clipped-audio", "Clipped audio clips", RuleCategory.DataAudit, Severity.Warning, [], [typeof(DataAuditEvidence)],
        new RuleOption("max_fraction", 0.001, "Clips with more than this fraction of samples at full scale (|x| ≥ 0.999) are clipped"));

    protected override string Kind => "audio";

    protected override string Measure => "fraction of samples at full scale";

    protected override bool LowerIsWorse => false;

    protected override string RootCause => "Clipping flattens the waveform's peaks and adds harmonics that clean recordings lack: the model learns distortion, and recordings from another device sound different to it.";

    protected override double? Value(AuditExample e, AuditCheckContext c) => e.Clipped;

    protected override double Threshold(AuditCheckContext c) => c.Option("max_fraction");

    protected override string Reason(AuditExample e, double value, double threshold, AuditCheckContext c) =>
        $"{Format.Percent(value)} of samples at full scale, above {Format.Percent(threshold)}";

    protected override string Title(int count, int examined, double threshold, AuditCheckContext c) =>
        $"{CountOf(count, examined, "audio clips")} are clipped (over {Format.Percent(threshold)} of samples at full scale)";

    protected override string[] Recommendations(double threshold, AuditCheckContext c) =>
        ["Re-record or drop heavily clipped clips; lower the input gain for new recordings; if clipping is expected at inference, keep some."];
}

using Runlens.Analysis.Findings;
using Runlens.Analysis.Rules;
using Runlens.Audit.Results;

namespace Runlens.Audit.Checks;

/// <summary>RL0721: texts longer than a tokenizer limit (512 GPT-2 tokens by default, BERT's maximum sequence length):
/// the model sees them truncated.</summary>
internal sealed class LongTextCheck : ExampleThresholdCheck
{
    public override RuleDescriptor Descriptor { get; } = RuleDescriptor.Create(
        "RL0721", "long-text", "Texts longer than the model's token limit", RuleCategory.DataAudit, Severity.Warning, [], [typeof(DataAuditEvidence)],
        new RuleOption("max_tokens", 512, "Texts with more GPT-2 byte-pair tokens than this are flagged (512 is the limit of BERT-style encoders; set your model's max_length)"));

    protected override string Kind => "text";

    protected override string Measure => "tokens (GPT-2 byte-pair encoding)";

    protected override bool LowerIsWorse => false;

    protected override double Confidence => 0.8;

    protected override string RootCause => "Tokenised with truncation, a text over the limit loses its end: when the label depends on the end (a conclusion, a verdict), the model is trained on text without the evidence.";

    protected override double? Value(AuditExample e, AuditCheckContext c) => e.Tokens;

    protected override double Threshold(AuditCheckContext c) => c.Option("max_tokens");

    protected override string Reason(AuditExample e, double value, double threshold, AuditCheckContext c) => $"{N(value)} tokens, over {N(threshold)}";

    protected override string Title(int count, int examined, double threshold, AuditCheckContext c) =>
        $"{CountOf(count, examined, "texts")} are longer than {N(threshold)} tokens and will be truncated";

    protected override string[] Recommendations(double threshold, AuditCheckContext c) =>
    [
        "Split long texts into overlapping windows and aggregate the predictions, or use a model with a longer context.",
        "If only the start matters, keep truncation but check the accuracy on long texts with runlens evaluate --audit.",
    ];
}

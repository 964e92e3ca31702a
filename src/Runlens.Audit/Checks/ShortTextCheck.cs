using Runlens.Analysis.Findings;
using Runlens.Analysis.Rules;
using Runlens.Audit.Results;

namespace Runlens.Audit.Checks;

/// <summary>RL0720: texts that are empty or only a few characters long.</summary>
internal sealed class ShortTextCheck : ExampleThresholdCheck
{
    public override RuleDescriptor Descriptor { get; } = RuleDescriptor.Create(
        "RL0720", "short-text", "Empty or very short texts", RuleCategory.DataAudit, Severity.Warning, [], [typeof(DataAuditEvidence)],
        new RuleOption("min_chars", 3, "Texts with fewer than this many characters (after trimming white space) are flagged; 0 characters is empty"));

    public override bool LeaveOut => true;

    protected override string Kind => "text";

    protected override string Measure => "characters";

    protected override bool LowerIsWorse => true;

    protected override string RootCause => "An empty or near-empty text still carries a label: the model learns to map nothing to it, and such rows are usually parsing or export errors.";

    protected override double? Value(AuditExample e, AuditCheckContext c) => e.Characters;

    protected override double Threshold(AuditCheckContext c) => c.Option("min_chars");

    protected override string Reason(AuditExample e, double value, double threshold, AuditCheckContext c) =>
        value == 0 ? "empty text" : $"{N(value)} characters, fewer than {N(threshold)}";

    protected override string Title(int count, int examined, double threshold, AuditCheckContext c) =>
        $"{CountOf(count, examined, "texts")} are empty or shorter than {N(threshold)} characters";

    protected override string[] Recommendations(double threshold, AuditCheckContext c) =>
        ["Drop empty rows (runlens audit --write-filter FILE lists them) and check the extraction step (a wrong column, HTML stripped to nothing)."];
}

using Runlens.Analysis.Findings;
using Runlens.Analysis.Rules;
using Runlens.Audit.Results;

namespace Runlens.Audit.Checks;

/// <summary>RL0701: files that cannot be read fully: corrupt, truncated, or not decodable at all.</summary>
internal sealed class UnreadableFileCheck : AuditCheck
{
    public override RuleDescriptor Descriptor { get; } = RuleDescriptor.Create(
        "RL0701", "unreadable-file", "Unreadable, truncated or corrupt files", RuleCategory.DataAudit, Severity.Error, [], [typeof(DataAuditEvidence)]);

    public override bool LeaveOut => true;

    internal override AuditCheckOutcome Evaluate(AuditCheckContext context)
    {
        var files = context.Data.Examples.Where(e => e.Kind is "image" or "audio" or "table").ToList();
        if (files.Count == 0)
        {
            return AuditCheckOutcome.NotApplicable;
        }

        var bad = files.Where(e => e.Error is not null).ToList();
        if (bad.Count == 0)
        {
            return AuditCheckContext.Nothing(files.Count);
        }

        var truncated = bad.Count(e => e.Error!.StartsWith("truncated", StringComparison.Ordinal));
        var evidence = new ThresholdEvidence(files.Count, bad.Count, "files that fail to decode", null, (double)bad.Count / files.Count, null, null);
        return context.Found(files.Count, Severity.Error, 1.0,
            $"{bad.Count} of {files.Count} files cannot be read fully ({truncated} truncated, {bad.Count - truncated} corrupt or undecodable)",
            evidence, bad.Select(e => AuditCheckContext.Issue(e, e.Error!)),
            "A training loader that meets an unreadable file crashes mid-epoch, or, when it skips errors, trains on fewer examples than you think; a truncated image may decode as a grey band.",
            "Remove or re-export these files (runlens audit --write-filter FILE lists them), then audit again.",
            "Check the copy or download step that produced them: truncation usually means an interrupted transfer.");
    }
}

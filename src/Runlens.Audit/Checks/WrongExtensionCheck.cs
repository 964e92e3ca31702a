using Runlens.Analysis.Findings;
using Runlens.Analysis.Rules;
using Runlens.Audit.Inputs;
using Runlens.Audit.Results;

namespace Runlens.Audit.Checks;

/// <summary>RL0702: files whose content is another format than their extension says (a PNG named .jpg, HTML saved as an image).</summary>
internal sealed class WrongExtensionCheck : AuditCheck
{
    public override RuleDescriptor Descriptor { get; } = RuleDescriptor.Create(
        "RL0702", "wrong-extension", "Content that does not match the file extension", RuleCategory.DataAudit, Severity.Warning, [], [typeof(DataAuditEvidence)]);

    internal override AuditCheckOutcome Evaluate(AuditCheckContext context)
    {
        var files = context.Data.Examples.Where(e => e.Kind is "image" or "audio" && e.Format is not null).ToList();
        if (files.Count == 0)
        {
            return AuditCheckOutcome.NotApplicable;
        }

        var bad = new List<AuditIssue>();
        foreach (var e in files)
        {
            if (FileKinds.OfExtension(e.Path) is { } expected && expected.Format != e.Format)
            {
                bad.Add(AuditCheckContext.Issue(e, $"named {Path.GetExtension(e.Path)} but the content is {e.Format}"));
            }
        }

        if (bad.Count == 0)
        {
            return AuditCheckContext.Nothing(files.Count);
        }

        var evidence = new ThresholdEvidence(files.Count, bad.Count, "files whose content format differs from the extension", null, (double)bad.Count / files.Count, null, null);
        return context.Found(files.Count, Severity.Warning, 0.95,
            $"{bad.Count} of {files.Count} files hold another format than their extension says",
            evidence, bad,
            "Loaders that pick a decoder by extension fail on these files or decode them differently (a PNG's alpha channel, an HTML error page saved as .jpg).",
            "Rename the files to their real format, or re-encode them; an HTML or text file saved as media is a failed download: replace it.");
    }
}

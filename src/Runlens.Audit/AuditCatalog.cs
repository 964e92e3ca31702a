using System.Collections.Immutable;
using Runlens.Analysis.Rules;
using Runlens.Audit.Checks;

namespace Runlens.Audit;

/// <summary>Every data-audit check (RL07xx), in id order: the audit's part of the rule catalogue. A new check is added
/// here and documented in docs/rules/.</summary>
public static class AuditCatalog
{
    public static ImmutableArray<AuditCheck> All { get; } =
    [
        new UnreadableFileCheck(),
        new WrongExtensionCheck(),
        new TinyImageCheck(),
        new LowResolutionCheck(),
        new AspectRatioCheck(),
        new BlurryImageCheck(),
        new FlatImageCheck(),
        new ExifOrientationCheck(),
        new RotatedCopyCheck(),
        new ExactDuplicateCheck(),
        new NearDuplicateCheck(),
        new SplitLeakageCheck(),
        new ConflictingLabelsCheck(),
        new ClassBalanceCheck(),
        new LabelDriftCheck(),
        new ShortAudioCheck(),
        new SilentAudioCheck(),
        new ClippedAudioCheck(),
        new AudioFormatCheck(),
        new ShortTextCheck(),
        new LongTextCheck(),
        new MissingValuesCheck(),
        new ConstantColumnCheck(),
        new OutOfRangeCheck(),
        new IdColumnCheck(),
        new LabelFeatureCheck(),
    ];

    /// <summary>The run rules and the audit checks together: what <c>runlens rules</c> lists.</summary>
    public static ImmutableArray<RuleDescriptor> Descriptors { get; } =
        [.. RuleCatalog.All.Select(r => r.Descriptor), .. All.Select(c => c.Descriptor)];

    public static AuditCheck? Find(string idOrSlug) => All.FirstOrDefault(c =>
        string.Equals(c.Descriptor.Id, idOrSlug, StringComparison.OrdinalIgnoreCase)
        || string.Equals(c.Descriptor.Slug, idOrSlug, StringComparison.OrdinalIgnoreCase));

    /// <summary>Parses <c>slug.option=value</c> assignments against the audit checks' options (same syntax and errors as
    /// the run rules' <c>--set</c>).</summary>
    public static RuleSettings ParseSettings(IEnumerable<string> assignments) =>
        RuleSettings.Parse(assignments, All.Select(c => (IRule)new DescriptorOnly(c.Descriptor)));

    /// <summary>Lets <see cref="RuleSettings.Parse(IEnumerable{string}, IEnumerable{IRule})"/> validate against a check's
    /// descriptor; never evaluated.</summary>
    private sealed class DescriptorOnly(RuleDescriptor descriptor) : IRule
    {
        public RuleDescriptor Descriptor { get; } = descriptor;

        public IEnumerable<Analysis.Findings.Finding> Evaluate(RuleContext context) =>
            throw new InvalidOperationException("an audit check is evaluated by the audit, not by the diagnoser");
    }
}

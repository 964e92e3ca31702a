using System.Collections.Immutable;
using Runlens.Analysis.Findings;
using Runlens.Reports;

namespace Runlens.Live.Alerts;

/// <summary>The two places the alerts read a finding's evidence, kept together: the checkpoint a rollback goes to, and the
/// evidence lines an e-mail shows.</summary>
internal static class FindingEvidence
{
    /// <summary>The checkpoint the finding names (past-best-checkpoint's evidence), or null.</summary>
    public static string? BestCheckpoint(Finding finding) =>
        finding.Evidence is Analysis.Rules.LearningDynamics.PastBestCheckpointEvidence { BestCheckpoint: { Length: > 0 } named } ? named : null;

    /// <summary>The evidence as "label value" lines, as the Markdown and terminal reports show it (unknowns left out).</summary>
    public static ImmutableArray<string> Lines(Finding finding) =>
        [.. EvidenceText.Items(finding.Evidence).Select(i => $"{i.Label}: {i.Value}")];
}

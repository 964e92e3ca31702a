using System.Collections.Immutable;
using System.Text.Json;
using Runlens.Analysis.Findings;

namespace Runlens.Audit;

/// <summary>
/// A data-audit finding's evidence inside a run's diagnosis (<c>runlens analyze RUN --data-dir PATH</c>): the audited
/// folder, the check's own typed evidence as the audit JSON writes it (<c>runlens.audit/v1</c>), the first files
/// concerned and how many issues the check found.
/// </summary>
/// <param name="DataDir">The audited folder, as given.</param>
/// <param name="Check">The check's evidence object (numbers, thresholds, counts), exactly as in the audit JSON.</param>
/// <param name="Files">The first files concerned (at most 20), worst first.</param>
/// <param name="Issues">How many examples or columns the check flagged.</param>
public sealed record DataAuditEvidence(string DataDir, JsonElement Check, ImmutableArray<string> Files, int Issues) : Evidence
{
    static DataAuditEvidence() => EvidenceJson.AddContext(DataAuditEvidenceJsonContext.Default);
}

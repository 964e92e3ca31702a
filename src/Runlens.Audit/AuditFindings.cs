using System.Collections.Immutable;
using System.Text.Json;
using Runlens.Analysis.Diagnoses;
using Runlens.Analysis.Findings;
using Runlens.Audit.Results;

namespace Runlens.Audit;

/// <summary>
/// What a data audit contributes to a run's diagnosis (<c>runlens analyze RUN --data-dir PATH</c>): each audit finding as
/// a diagnosis finding (same id, slug, severity, title and recommendations; the typed evidence written as evidence, with
/// the first files), merged into the diagnosis with its status raised to the worst finding.
/// </summary>
public static class AuditFindings
{
    private const int FilesInEvidence = 20;

    private static readonly JsonSerializerOptions EvidenceJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The audit's findings as diagnosis findings, in the audit's order.</summary>
    public static ImmutableArray<Finding> ToFindings(AuditResult audit)
    {
        ArgumentNullException.ThrowIfNull(audit);
        return [.. audit.Findings.Select(f => new Finding(f.RuleId, f.Rule, f.Severity, f.Confidence, f.Title, ToEvidence(audit, f), [],
            [.. f.Recommendations.Select(r => Recommendation.Do(r))], f.RootCause))];
    }

    /// <summary>The diagnosis with the audit's findings added (most severe first, run findings before audit findings of
    /// the same severity) and its status raised to the worst finding; the headline becomes the audit's when the run
    /// itself had nothing as severe. When the audit finds leaked validation data (split leakage, a feature that encodes the
    /// label), the root causes lead with <c>leakage</c>, which groups the run findings it explains, and the headline
    /// says so.</summary>
    public static Diagnosis Merge(Diagnosis diagnosis, AuditResult audit)
    {
        ArgumentNullException.ThrowIfNull(diagnosis);
        var added = ToFindings(audit);
        if (added.IsEmpty)
        {
            return diagnosis;
        }

        var findings = diagnosis.Findings.Concat(added).Select((f, i) => (f, i)).OrderByDescending(x => x.f.Severity).ThenBy(x => x.i).Select(x => x.f).ToImmutableArray();
        var worst = added.Max(f => f.Severity);
        var status = worst == Severity.Error ? DiagnosisStatus.Critical : worst == Severity.Warning ? DiagnosisStatus.Warning : DiagnosisStatus.Healthy;
        var summary = diagnosis.Summary;
        if (status > summary.Status)
        {
            summary = summary with { Status = status, Headline = $"Data: {added.First(f => f.Severity == worst).Title}" };
        }

        var merged = With(diagnosis, summary, findings);
        if (merged.RootCauses is [{ Id: "leakage" } leak, ..])
        {
            // The leak comes first: what the run's own findings said (overfitting, perfect scores) was judged on leaked data.
            var lead = added.First(f => leak.Rules.Contains(f.Rule));
            var explains = leak.Rules.Where(r => r != lead.Rule).ToList();
            // The findings are the same, so the root causes already grouped stay (a record's copy keeps them).
            merged = merged with
            {
                Summary = summary with
                {
                    Status = DiagnosisStatus.Critical,
                    Headline = $"Data leakage: {lead.Title}" + (explains.Count == 0 ? "" : $"; it explains {string.Join(", ", explains)}"),
                },
            };
        }

        return merged;
    }

    private static Diagnosis With(Diagnosis diagnosis, DiagnosisSummary summary, ImmutableArray<Finding> findings) =>
        new(diagnosis.Run, summary, findings, diagnosis.Coverage, diagnosis.ConfigChanges, diagnosis.NextSteps, diagnosis.Metrics)
        {
            Predictions = diagnosis.Predictions,
            TrainingPredictions = diagnosis.TrainingPredictions,
        };

    /// <summary>The check's typed evidence (through its JSON form, so the keys are the audit JSON's), where the data is,
    /// the first files and how many issues there are.</summary>
    private static DataAuditEvidence ToEvidence(AuditResult audit, AuditFinding f) =>
        new(audit.Path, JsonSerializer.SerializeToElement(f.Evidence, f.Evidence.GetType(), EvidenceJson),
            [.. f.Issues.Take(FilesInEvidence).Select(i => i.File)], f.Issues.Length);
}

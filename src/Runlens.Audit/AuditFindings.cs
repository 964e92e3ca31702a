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
    /// itself had nothing as severe.</summary>
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

        return new Diagnosis(diagnosis.Run, summary, findings, diagnosis.Coverage, diagnosis.ConfigChanges, diagnosis.NextSteps, diagnosis.Metrics)
        {
            Predictions = diagnosis.Predictions,
        };
    }

    /// <summary>The typed evidence as evidence items (through its JSON form, so the keys are the audit JSON's), plus
    /// where the data is and the first files.</summary>
    private static Evidence ToEvidence(AuditResult audit, AuditFinding f)
    {
        var b = Evidence.Builder().Add("evidence_source", "data audit").Add("data_dir", audit.Path);
        foreach (var p in JsonSerializer.SerializeToElement(f.Evidence, f.Evidence.GetType(), EvidenceJson).EnumerateObject())
        {
            b.Add(p.Name, Value(p.Value));
        }

        b.Add("files", f.Issues.Take(FilesInEvidence).Select(i => i.File).ToArray());
        b.Add("issues", f.Issues.Length);
        return b.Build();
    }

    private static object? Value(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Number => e.TryGetInt64(out var l) ? l : e.GetDouble(),
        JsonValueKind.String => e.GetString() switch
        {
            "NaN" => double.NaN,
            "Infinity" => double.PositiveInfinity,
            "-Infinity" => double.NegativeInfinity,
            var s => s,
        },
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Array => e.EnumerateArray().Select(Value).ToArray(),
        JsonValueKind.Object => e.EnumerateObject().Aggregate(Evidence.Builder(), (eb, p) => eb.Add(p.Name, Value(p.Value))).Build(),
        _ => null,
    };
}

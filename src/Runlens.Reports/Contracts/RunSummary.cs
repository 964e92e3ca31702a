using System.Text.Json;
using Runlens.Analysis.Diagnoses;

namespace Runlens.Reports.Contracts;

/// <summary>
/// A run's diagnosis at a glance, as the server keeps it with the run (blob <c>diagnosis/summary</c>) and as the runs
/// table, the native API (<c>?summary=1</c>) and MCP <c>list_runs</c> show it: the run version it was made under (the
/// pipeline's cache key: points, status, uploads, settings, rule catalogue; the digest is current only while the run still
/// has that version), the status, finding counts by severity, and the primary metric's best and final values (null when
/// unknown or not finite).
/// </summary>
public sealed record RunSummary(
    string Version,
    string Status,
    IReadOnlyDictionary<string, int> Findings,
    string? PrimaryMetric,
    double? Best,
    long? BestStep,
    double? Final,
    long? FinalStep)
{
    public static RunSummary From(Diagnosis diagnosis, string version)
    {
        ArgumentNullException.ThrowIfNull(diagnosis);
        var s = diagnosis.Summary;
        var findings = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var g in diagnosis.Findings.GroupBy(f => FindingJson.SeverityText(f.Severity)))
        {
            findings[g.Key] = g.Count();
        }

        return new(version, s.Status.ToString().ToLowerInvariant(), new Dictionary<string, int>(findings, StringComparer.Ordinal), s.PrimaryMetric,
            s.Best?.Value is { } b && double.IsFinite(b) ? b : null, s.Best?.Step,
            s.Final?.Value is { } f && double.IsFinite(f) ? f : null, s.Final?.Step);
    }

    /// <summary>The stored form (compact JSON).</summary>
    public byte[] ToBytes()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, ContractJson.WriterOptions(indented: false)))
        {
            ContractJsonWriter.Write(writer, this);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The summary stored in <paramref name="bytes"/>, or null when they hold none this version can read (a summary
    /// written by an older version is computed again).</summary>
    public static RunSummary? Read(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        try
        {
            return JsonSerializer.Deserialize(bytes, ContractJson.Compact.RunSummary) is { Version: not null, Status: not null, Findings: not null } s ? s : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

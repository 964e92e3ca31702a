using System.Text.Json;
using Runlens.Audit.Results;

namespace Runlens.Reports.Audit;

/// <summary>Writes exactly one <c>runlens.audit/v1</c> JSON document.</summary>
public sealed class AuditJsonRenderer : IAuditRenderer
{
    public void Render(AuditResult result, Stream output)
    {
        ArgumentNullException.ThrowIfNull(result);
        JsonSerializer.Serialize(output, AuditDocument.Of(result), AuditJsonContext.Default.AuditDocument);
        output.WriteByte((byte)'\n');
    }
}

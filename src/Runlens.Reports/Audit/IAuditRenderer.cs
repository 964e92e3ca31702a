using Runlens.Audit.Results;

namespace Runlens.Reports.Audit;

/// <summary>Writes an audit result in one format. Renderers only render: every number comes from the result.</summary>
public interface IAuditRenderer
{
    void Render(AuditResult result, Stream output);
}

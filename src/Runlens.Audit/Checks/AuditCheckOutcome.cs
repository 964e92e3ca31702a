using Runlens.Audit.Results;

namespace Runlens.Audit.Checks;

/// <summary>What a check looked at (0 when it did not apply) and what it found (null when nothing).</summary>
internal sealed record AuditCheckOutcome(int Examined, AuditFinding? Finding)
{
    public static AuditCheckOutcome NotApplicable { get; } = new(0, null);
}

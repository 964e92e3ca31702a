using Runlens.Analysis.Rules;

namespace Runlens.Audit.Checks;

/// <summary>One check of the data audit: a rule of the catalogue (category <see cref="RuleCategory.DataAudit"/>, id
/// RL07xx, a docs page, options) and a pure function from the measured dataset to at most one finding.</summary>
public abstract class AuditCheck
{
    private protected AuditCheck()
    {
    }

    public abstract RuleDescriptor Descriptor { get; }

    /// <summary>True when the examples it flags belong in the list of files to leave out (<c>--write-filter</c>).</summary>
    public virtual bool LeaveOut => false;

    internal abstract AuditCheckOutcome Evaluate(AuditCheckContext context);
}

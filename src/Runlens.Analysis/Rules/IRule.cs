using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules;

/// <summary>One diagnostic rule: a pure, deterministic function from a run to findings.</summary>
public interface IRule
{
    RuleDescriptor Descriptor { get; }

    /// <summary>Called only when every signal in <see cref="RuleDescriptor.Requires"/> is present.</summary>
    IEnumerable<Finding> Evaluate(RuleContext context);
}

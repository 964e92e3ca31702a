namespace Runlens.Analysis.Rules;

/// <summary>
/// A rule over signals that only some trainers log (a per-batch <c>loss_std</c>, a prediction entropy, a speaker
/// consistency): it runs, and counts in the coverage score, only when the run logs them. A run that does not log them is
/// not "missing" them — most trainers never do — so such a rule is neither listed as blocked nor run.
/// </summary>
public interface IOptionalSignals : IRule
{
    /// <summary>True when the run logs what the rule judges.</summary>
    bool Applies(RunView run);
}

namespace Runlens.Analysis.Rules;

/// <summary>Marks a rule that reads the coverage of the other rules (missing-telemetry); it runs after them.</summary>
public interface IUsesCoverage : IRule;

using Runlens.Analysis.Diagnoses;

namespace Runlens.Analysis.Rules;

/// <summary>The coverage of the other rules, for rules that implement <see cref="IUsesCoverage"/>.</summary>
public sealed record CoverageView(Coverage Coverage);

using System.Collections.Immutable;
using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Comparison;

/// <summary>A finding (one rule on one series) and the runs it was found in. Two findings are the same when their rule
/// and series are; the series is the finding's own, else its evidence's <c>series</c> or <c>metric</c>.</summary>
/// <param name="RuleId">Stable rule id, e.g. <c>RL0206</c>.</param>
/// <param name="Rule">Rule slug, e.g. <c>loss-spikes</c>.</param>
/// <param name="Series">The series it is about (empty when the finding names none).</param>
/// <param name="Runs">Indices of the runs that have it, ascending.</param>
/// <param name="Severity">The worst severity among those runs.</param>
/// <param name="Title">The title of the most severe instance (the first run's on a tie).</param>
public sealed record FindingPresence(string RuleId, string Rule, ImmutableArray<string> Series, ImmutableArray<int> Runs, Severity Severity, string Title);

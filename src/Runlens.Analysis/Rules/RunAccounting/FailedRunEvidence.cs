using System.Collections.Immutable;
using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules.RunAccounting;

/// <summary>RL0405: the run ended in an error or was killed.</summary>
public sealed record FailedRunEvidence(
    string Status,
    string Cause,
    ImmutableArray<string> Errors,
    long? ErrorStep,
    long LastStep,
    string? LastCheckpoint) : Evidence;

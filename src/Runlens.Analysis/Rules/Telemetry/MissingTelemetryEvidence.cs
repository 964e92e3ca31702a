using System.Collections.Immutable;
using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules.Telemetry;

/// <summary>RL0501: a signal is missing, and the rules it blocks.</summary>
public sealed record MissingTelemetryEvidence(
    string Signal,
    ImmutableArray<string> Blocks,
    double CoverageScore) : Evidence;

using System.Collections.Immutable;
using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules.LearningDynamics;

/// <summary>RL0107: a loss series became NaN or infinite.</summary>
public sealed record DivergenceNonFiniteEvidence(
    string Series,
    long FirstNonFiniteStep,
    double FirstNonFiniteValue,
    int NonFinitePoints,
    int Points,
    long? LastFiniteStep,
    double? LastFiniteValue,
    ImmutableArray<string> OtherSeries) : Evidence, ISeriesEvidence;

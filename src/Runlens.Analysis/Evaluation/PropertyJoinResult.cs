using System.Collections.Immutable;
using Runlens.Model.Predictions;

namespace Runlens.Analysis.Evaluation;

/// <summary>What a <see cref="PropertyJoin"/> did: the set with the new slice columns, their names, and how many examples
/// matched a property record.</summary>
public sealed record PropertyJoinResult(PredictionSet Set, ImmutableArray<string> Columns, int Matched, int Unmatched);

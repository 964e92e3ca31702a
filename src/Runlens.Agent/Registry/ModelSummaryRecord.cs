using System.Collections.Immutable;

namespace Runlens.Agent.Registry;

/// <summary>The model summary tool's answer (from torch, after a forward pass on a dummy batch): shapes, parameter
/// counts and each layer.</summary>
public sealed record ModelSummaryRecord(ImmutableArray<int> InputShape, int NumClasses, ImmutableArray<int> OutputShape, long Parameters, long Trainable, ImmutableArray<LayerRecord> Layers);

using System.Collections.Immutable;

namespace Runlens.Analysis.Evaluation;

/// <summary>One validation batch: its size, accuracy and examples (ids or files).</summary>
public sealed record BatchMetrics(string Batch, int Examples, double Accuracy, ImmutableArray<string> ExampleIds);

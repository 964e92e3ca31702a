using System.Collections.Immutable;

namespace Runlens.Audit.Inputs;

/// <summary>What the scanner found: splits, files in path order, and what it skipped.</summary>
internal sealed record DatasetLayout(ImmutableArray<SplitSource> Splits, ImmutableArray<DataFile> Files, ImmutableArray<string> Notes);

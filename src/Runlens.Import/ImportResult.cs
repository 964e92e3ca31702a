using System.Collections.Immutable;
using Runlens.Model;

namespace Runlens.Import;

/// <summary>The runs read from one path.</summary>
public sealed record ImportResult(ImmutableArray<Run> Runs)
{
    public static ImportResult Of(Run run) => new([run]);
}

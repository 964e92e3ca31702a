using Runlens.Model;

namespace Runlens.Reports.Contracts;

/// <summary>Where a run was read from: its format id and path.</summary>
public sealed record SourceJson(string Format, string Path)
{
    public static SourceJson From(RunSource s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return new(s.Format, s.Path);
    }
}

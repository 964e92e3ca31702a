using System.Collections.Immutable;

namespace Runlens.Reports.Impact;

/// <summary>The output formats of <c>runlens impact</c>.</summary>
public static class ImpactRenderers
{
    public static ImmutableArray<string> Formats { get; } = ["text", "json", "md"];

    /// <summary>The renderer for a <c>--format</c> value (text, json or md).</summary>
    public static IImpactRenderer For(string format) => format switch
    {
        "json" => new ImpactJsonRenderer(),
        "md" or "markdown" => new ImpactMarkdownRenderer(),
        "text" => new ImpactTextRenderer(),
        _ => throw new ArgumentException($"unknown format '{format}'; use one of: {string.Join(", ", Formats)}", nameof(format)),
    };
}

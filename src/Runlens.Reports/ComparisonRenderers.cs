using System.Collections.Immutable;
using Runlens.Reports.Json;
using Runlens.Reports.Markdown;
using Runlens.Reports.Terminal;

namespace Runlens.Reports;

/// <summary>Every output format of <c>runlens compare</c>.</summary>
public static class ComparisonRenderers
{
    public static ImmutableArray<string> Formats { get; } = ["text", "json", "md"];

    /// <summary>The renderer for a <c>--format</c> value.</summary>
    /// <param name="format">text, json or md.</param>
    /// <param name="color">For text: whether to use ANSI colour.</param>
    /// <param name="width">For text: the line width.</param>
    public static IComparisonRenderer For(string format, bool color = false, int width = 160) => format switch
    {
        "json" => new ComparisonJsonRenderer(),
        "md" or "markdown" => new ComparisonMarkdownRenderer(),
        "text" => new ComparisonTerminalRenderer(color, width),
        _ => throw new ArgumentException($"unknown format '{format}'; use one of: {string.Join(", ", Formats)}", nameof(format)),
    };
}

using System.Collections.Immutable;
using Runlens.Reports.Json;
using Runlens.Reports.Markdown;
using Runlens.Reports.Terminal;

namespace Runlens.Reports;

/// <summary>Every output format.</summary>
public static class Renderers
{
    public static ImmutableArray<string> Formats { get; } = ["text", "json", "md", "html"];

    /// <summary>The renderer for a <c>--format</c> value.</summary>
    /// <param name="format">text, json, md or html.</param>
    /// <param name="color">For text: whether to use ANSI colour.</param>
    public static IDiagnosisRenderer For(string format, bool color = false) => format switch
    {
        "json" => new DiagnosisJsonRenderer(),
        "md" or "markdown" => new DiagnosisMarkdownRenderer(),
        "text" => new DiagnosisTerminalRenderer(color),
        "html" => new Html.DiagnosisHtmlRenderer(),
        _ => throw new ArgumentException($"unknown format '{format}'; use one of: {string.Join(", ", Formats)}", nameof(format)),
    };
}

namespace Runlens.Reports.Audit;

/// <summary>The audit's output formats: <c>text</c>, <c>json</c>, <c>md</c>, <c>html</c>.</summary>
public static class AuditRenderers
{
    public static IReadOnlyList<string> Formats { get; } = ["text", "json", "md", "html"];

    /// <summary>The renderer for a format; <c>text</c> without colour at 160 columns (the CLI builds its own for a terminal).</summary>
    public static IAuditRenderer For(string format) => format switch
    {
        "json" => new AuditJsonRenderer(),
        "md" => new AuditMarkdownRenderer(),
        "html" => new AuditHtmlRenderer(),
        "text" => new AuditTerminalRenderer(),
        _ => throw new ArgumentException($"no audit renderer for '{format}'; formats: {string.Join(", ", Formats)}", nameof(format)),
    };
}

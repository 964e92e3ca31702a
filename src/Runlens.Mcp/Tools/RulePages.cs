namespace Runlens.Mcp.Tools;

/// <summary>The rule pages of <c>docs/rules/</c>, embedded in this assembly at build time.</summary>
internal static class RulePages
{
    /// <summary>The Markdown page of a rule id (e.g. <c>RL0101</c>), or null.</summary>
    public static string? Read(string ruleId)
    {
        using var stream = typeof(RulePages).Assembly.GetManifestResourceStream("Runlens.Mcp.Rules." + ruleId + ".md");
        if (stream is null)
        {
            return null;
        }

        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

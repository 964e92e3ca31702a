using System.Text.Encodings.Web;
using System.Text.Json;

namespace Runlens.Agent.Registry;

/// <summary>The options every agent document is written and read with.</summary>
internal static class AgentJson
{
    /// <summary>Indented (the registry, experiment configs).</summary>
    public static AgentJsonContext Indented { get; } = new(new JsonSerializerOptions(AgentJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    /// <summary>One line (log entries).</summary>
    public static AgentJsonContext Line { get; } = new(new JsonSerializerOptions(AgentJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = false,
    });
}

using System.Text.Json.Serialization;

namespace Runlens.Agent.Logging;

/// <summary>Seed 003's log levels.</summary>
public enum AgentLogLevel
{
    [JsonStringEnumMemberName("debug")]
    Debug,

    [JsonStringEnumMemberName("info")]
    Info,

    [JsonStringEnumMemberName("warning")]
    Warning,

    [JsonStringEnumMemberName("error")]
    Error,

    [JsonStringEnumMemberName("critical")]
    Critical,
}

using System.Text.Json.Nodes;

namespace Runlens.Agent.Registry;

/// <summary>One change a plan makes to the configuration it starts from, and why, in one sentence.</summary>
public sealed record ConfigEditRecord(string Key, JsonNode? From, JsonNode? To, string Why);

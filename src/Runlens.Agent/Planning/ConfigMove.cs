using System.Text.Json.Nodes;

namespace Runlens.Agent.Planning;

/// <summary>One change a planner considers: a key, its new value, and why, in one sentence.</summary>
public sealed record ConfigMove(string Key, JsonNode? To, string Why);

namespace Runlens.Agent.Registry;

/// <summary>One layer of a model: its name in the module tree, its type and its own parameter count.</summary>
public sealed record LayerRecord(string Name, string Type, long Parameters);

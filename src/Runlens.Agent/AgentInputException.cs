namespace Runlens.Agent;

/// <summary>Input the agent cannot use (a goal, a config, a project folder): one line that names the file and line where
/// it can, the cause and what to do.</summary>
public sealed class AgentInputException(string message) : Exception(message);

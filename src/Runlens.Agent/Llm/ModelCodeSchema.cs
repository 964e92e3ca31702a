namespace Runlens.Agent.Llm;

/// <summary>The JSON schema of the tools' LLM's answer when it writes model code.</summary>
public static class ModelCodeSchema
{
    public const string Name = "runlens_agent_model_code";

    public const string Text = """
        {
          "type": "object",
          "properties": {"code": {"type": "string", "minLength": 1}},
          "required": ["code"],
          "additionalProperties": false
        }
        """;
}

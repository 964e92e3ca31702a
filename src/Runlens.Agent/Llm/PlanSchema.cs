namespace Runlens.Agent.Llm;

/// <summary>The JSON schema of a plan the planning LLM answers with, sent with the request (structured output) and
/// checked on the answer.</summary>
public static class PlanSchema
{
    public const string Name = "runlens_agent_plan";

    public const string Text = """
        {
          "type": "object",
          "properties": {
            "action": {"type": "string", "enum": ["refine", "goal_achieved", "stop"]},
            "reason": {"type": "string", "minLength": 1},
            "base": {"type": ["string", "null"]},
            "changes": {
              "type": "array",
              "items": {
                "type": "object",
                "properties": {
                  "key": {"type": "string"},
                  "value": {"anyOf": [{"type": "number"}, {"type": "string"}, {"type": "array", "items": {"type": "integer"}}]},
                  "why": {"type": "string", "minLength": 1}
                },
                "required": ["key", "value", "why"],
                "additionalProperties": false
              }
            }
          },
          "required": ["action", "reason", "base", "changes"],
          "additionalProperties": false
        }
        """;
}

using System.Text.Json;
using Runlens.Agent.Experiments;
using Runlens.Agent.Llm;

namespace Runlens.Agent.Tools;

/// <summary>The model assembler's LLM option (seed 003 §4.3): the tools' LLM writes the module for a model config. Its
/// code is never run here: the agent writes it to the project and the model check imports it in a child process under
/// time and memory limits before anything trains it.</summary>
public static class ModelWriter
{
    /// <returns>The code, or null with the reason when the LLM gave none.</returns>
    public static async Task<(string? Code, string? Problem)> WriteAsync(LlmClient client, ModelConfig model, string experiment, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(model);
        const string system = "You write PyTorch model code. Answer with a JSON object {\"code\": \"...\"} holding one Python module that imports only torch "
            + "and the standard library and defines build_model(config, input_shape, num_classes), returning a torch.nn.Module whose forward takes a float "
            + "tensor of shape [batch] + input_shape and returns logits of shape [batch, num_classes]. No other top-level code.";
        var user = "Write the module for this model config: " + JsonSerializer.Serialize(model, Registry.AgentJson.Line.ModelConfig)
            + ". Reference (the built-in template for the same config):\n" + ModelAssembler.Assemble(model);
        try
        {
            var answer = await client.CompleteJsonAsync(system, user, ModelCodeSchema.Name, ModelCodeSchema.Text, experiment, cancellationToken).ConfigureAwait(false);
            using var doc = JsonDocument.Parse(answer.Text);
            return doc.RootElement.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String && code.GetString() is { Length: > 0 } text
                ? (text, null)
                : (null, "the answer holds no code");
        }
        catch (LlmUnavailableException ex)
        {
            return (null, ex.Message);
        }
        catch (JsonException ex)
        {
            return (null, "the answer is not JSON: " + ex.Message);
        }
    }
}

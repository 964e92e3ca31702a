using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Runlens.Mcp;

/// <summary>
/// Tool failures as MCP tool errors (a result with <c>isError</c> and the message), never a crash: a bad argument or an
/// unknown run is reported with what to do instead, and the server keeps serving.
/// </summary>
internal static class ToolError
{
    /// <summary>A tool error with this message (name the argument, say what is accepted).</summary>
    public static McpException Bad(string message) => new(message);

    /// <summary>Runs a tool's body; any failure other than a cancellation becomes a tool error naming the tool and the cause.</summary>
    public static async Task<string> GuardAsync(string tool, Func<Task<string>> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (McpException)
        {
            throw;
        }
        catch (OperationCanceledException)
        {
            throw;
        }
#pragma warning disable CA1031 // every other failure is reported to the client as a tool error, and the server goes on
        catch (Exception ex)
#pragma warning restore CA1031
        {
            throw new McpException($"failed: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Wraps every tool call: a tool error comes back as the tool's result (<c>isError</c>, the message as text) rather
    /// than as a logged exception, and arguments the SDK cannot bind (a string where a number goes) get a message that
    /// names the tool and points at its input schema.
    /// </summary>
    public static McpRequestHandler<CallToolRequestParams, CallToolResult> Filter(McpRequestHandler<CallToolRequestParams, CallToolResult> next) =>
        async (request, cancellationToken) =>
        {
            var tool = request.Params?.Name ?? "tool";
            if (ArgumentProblem(request) is { } problem)
            {
                return Result($"{tool}: {problem}");
            }

            try
            {
                return await next(request, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                throw;
            }
            catch (McpProtocolException)
            {
                throw;
            }
            catch (McpException ex)
            {
                return Result($"{tool}: {ex.Message}");
            }
#pragma warning disable CA1031 // a call the SDK could not even bind is the caller's mistake: say so, and go on serving
            catch (Exception ex)
#pragma warning restore CA1031
            {
                return Result($"{tool}: bad arguments: {ex.Message} (tools/list gives each argument's type in the tool's input schema)");
            }
        };

    private static CallToolResult Result(string message) => new() { IsError = true, Content = [new TextContentBlock { Text = message }] };

    /// <summary>A required argument missing, an argument the tool does not take, or one whose JSON type its input schema
    /// does not allow; null when the arguments fit the schema.</summary>
    private static string? ArgumentProblem(RequestContext<CallToolRequestParams> request)
    {
        var arguments = request.Params?.Arguments ?? new Dictionary<string, JsonElement>();
        if (request.MatchedPrimitive is not McpServerTool tool
            || !tool.ProtocolTool.InputSchema.TryGetProperty("properties", out var properties) || properties.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var (name, value) in arguments)
        {
            if (!properties.TryGetProperty(name, out var schema))
            {
                return $"unknown argument '{name}'; {tool.ProtocolTool.Name} takes {string.Join(", ", properties.EnumerateObject().Select(p => p.Name))}";
            }

            if (schema.TryGetProperty("type", out var type))
            {
                string[] types = type.ValueKind == JsonValueKind.Array ? [.. type.EnumerateArray().Select(t => t.GetString() ?? "")] : [type.GetString() ?? ""];
                if (!types.Any(t => Fits(value, t)))
                {
                    var shown = value.GetRawText();
                    return $"argument '{name}' must be {string.Join(" or ", types.Where(t => t != "null"))}{(types.Contains("null") ? " (or left out)" : "")}, got {(shown.Length > 60 ? shown[..60] + "…" : shown)}";
                }
            }
        }

        if (tool.ProtocolTool.InputSchema.TryGetProperty("required", out var required) && required.ValueKind == JsonValueKind.Array)
        {
            foreach (var name in required.EnumerateArray().Select(r => r.GetString()))
            {
                if (name is not null && !arguments.ContainsKey(name))
                {
                    return $"argument '{name}' is required ({Describe(properties, name)})";
                }
            }
        }

        return null;
    }

    private static string Describe(JsonElement properties, string name) =>
        properties.TryGetProperty(name, out var p) && p.TryGetProperty("description", out var d) ? d.GetString() ?? "" : "see the tool's input schema";

    private static bool Fits(JsonElement value, string type) => type switch
    {
        "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
        "number" => value.ValueKind == JsonValueKind.Number,
        "string" => value.ValueKind == JsonValueKind.String,
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "array" => value.ValueKind == JsonValueKind.Array,
        "object" => value.ValueKind == JsonValueKind.Object,
        "null" => value.ValueKind == JsonValueKind.Null,
        _ => true,
    };
}

using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Runlens.Tests.Support;

namespace Runlens.Tests.Mcp;

/// <summary>A real <c>runlens mcp --store FILE</c> child process (the built runlens.dll next to the tests) driven by the
/// SDK's MCP client over stdio.</summary>
internal sealed class McpServer : IAsyncDisposable
{
    private readonly McpClient _client;

    private McpServer(McpClient client, List<string> stdErr)
    {
        _client = client;
        StdErr = stdErr;
    }

    public McpClient Client => _client;

    /// <summary>What the server wrote on stderr (its logs); lock it to read.</summary>
    public List<string> StdErr { get; }

    public static async Task<McpServer> StartAsync(string store, params string[] more)
    {
        var errors = new List<string>();
        var transport = new StdioClientTransport(new StdioClientTransportOptions
        {
            Name = "runlens",
            Command = "dotnet",
            Arguments = [Path.Combine(AppContext.BaseDirectory, "runlens.dll"), "mcp", "--store", store, .. more],
            WorkingDirectory = Fixtures.RepoRoot,
            StandardErrorLines = line =>
            {
                lock (errors)
                {
                    errors.Add(line);
                }
            },
        });
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var client = await McpClient.CreateAsync(transport, cancellationToken: cts.Token);
        return new McpServer(client, errors);
    }

    /// <summary>Calls a tool and returns its result (an error result is returned, not thrown).</summary>
    public async Task<CallToolResult> CallAsync(string tool, Dictionary<string, object?>? arguments = null)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        return await _client.CallToolAsync(tool, arguments ?? [], cancellationToken: cts.Token);
    }

    /// <summary>The tool's text answer; fails the test when the call was an error.</summary>
    public async Task<string> TextAsync(string tool, Dictionary<string, object?>? arguments = null)
    {
        var result = await CallAsync(tool, arguments);
        var text = Text(result);
        Assert.False(result.IsError == true, $"{tool} failed: {text}");
        return text;
    }

    /// <summary>The tool's JSON answer.</summary>
    public async Task<JsonObject> JsonAsync(string tool, Dictionary<string, object?>? arguments = null) =>
        JsonNode.Parse(await TextAsync(tool, arguments))!.AsObject();

    /// <summary>The message of a tool error; fails the test when the call succeeded.</summary>
    public async Task<string> ErrorAsync(string tool, Dictionary<string, object?>? arguments = null)
    {
        var result = await CallAsync(tool, arguments);
        var text = Text(result);
        Assert.True(result.IsError == true, $"{tool} should have failed but returned: {text}");
        return text;
    }

    public static string Text(CallToolResult result) =>
        string.Concat(result.Content.OfType<TextContentBlock>().Select(b => b.Text));

    public static double Number(JsonNode? node) => node!.GetValueKind() == JsonValueKind.String
        ? double.Parse(node.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)
        : node.GetValue<double>();

    public ValueTask DisposeAsync() => _client.DisposeAsync();
}

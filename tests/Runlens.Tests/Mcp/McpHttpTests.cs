using ModelContextProtocol.Client;
using Runlens.Mcp;
using Runlens.Mcp.Http;
using Runlens.Server.Hosting;
using Runlens.Tests.Support;

namespace Runlens.Tests.Mcp;

/// <summary>
/// MCP over HTTP at <c>/mcp</c> on a real <c>runlens serve</c> (Kestrel on 127.0.0.1, a real SQLite store), driven by the
/// MCP SDK's own HTTP client: the same tools and answers as <c>runlens mcp</c> over stdio, and the server's bearer tokens
/// with their scopes.
/// </summary>
public sealed class McpHttpTests
{
    private const string ReadToken = "r-0123456789abcdef";
    private const string WriteToken = "w-0123456789abcdef";
    private const string WriteOnlyToken = "o-0123456789abcdef";

    private const string Tokens = $"""
        tokens:
          - name: dashboard
            token: "{ReadToken}"
            scopes: [read]
          - name: trainer
            token: "{WriteToken}"
            scopes: [read, write]
          - name: ingest
            token: "{WriteOnlyToken}"
            scopes: [write]
        """;

    private static readonly ServerEndpoint Mcp = new(McpHttpEndpoint.Path, McpHttpEndpoint.AddServices, McpHttpEndpoint.Map);

    private static Task<TestServer> StartAsync(bool auth) => TestServer.StartAsync(configure: (dir, o) =>
    {
        if (!auth)
        {
            return o with { Endpoints = [Mcp] };
        }

        var file = Path.Combine(dir, "tokens.yaml");
        File.WriteAllText(file, Tokens);
        return o with { AuthFile = file, Endpoints = [Mcp] };
    });

    private static async Task<McpClient> ConnectAsync(TestServer server, string? token)
    {
        var options = new HttpClientTransportOptions
        {
            Endpoint = new Uri(server.Address, McpHttpEndpoint.Path),
            TransportMode = HttpTransportMode.StreamableHttp,
            Name = "test",
        };
        if (token is not null)
        {
            options.AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = "Bearer " + token };
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        return await McpClient.CreateAsync(new HttpClientTransport(options), cancellationToken: cts.Token);
    }

    private static async Task<(bool Error, string Text)> CallAsync(McpClient client, string tool, Dictionary<string, object?> arguments)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var result = await client.CallToolAsync(tool, arguments, cancellationToken: cts.Token);
        return (result.IsError == true, McpServer.Text(result));
    }

    [Fact]
    public async Task The_http_endpoint_offers_the_stdio_tools_and_answers_diagnose_run_byte_for_byte_as_runlens_mcp_does()
    {
        await using var server = await StartAsync(auth: false);
        foreach (var run in (await Runlens.Import.ImporterCatalog.ImportAsync(Fixtures.Example(McpStoreFixture.HfExample))).Runs)
        {
            await server.Store.SaveRunAsync(run);
        }

        await using var http = await ConnectAsync(server, token: null);
        Assert.Equal("runlens", http.ServerInfo!.Name);
        Assert.Equal(RunlensMcpServer.Instructions, http.ServerInstructions);
        var tools = await http.ListToolsAsync();
        Assert.Equal(RunlensMcpServer.ToolNames.Order(StringComparer.Ordinal), tools.Select(t => t.Name).Order(StringComparer.Ordinal));

        var listed = await CallAsync(http, "list_runs", []);
        Assert.False(listed.Error, listed.Text);
        var id = System.Text.Json.Nodes.JsonNode.Parse(listed.Text)!["runs"]![0]!["id"]!.GetValue<string>();
        var overHttp = await CallAsync(http, "diagnose_run", new() { ["run"] = id });
        Assert.False(overHttp.Error, overHttp.Text);

        await using var stdio = await McpServer.StartAsync(Path.Combine(server.Folder, "runlens.db"));
        Assert.Equal(await stdio.TextAsync("diagnose_run", new() { ["run"] = id }), overHttp.Text);

        // the server's pipeline answers MCP: the diagnosis MCP made is the one the API serves
        var api = await server.Http.GetStringAsync($"/api/runs/{id}/diagnosis");
        using var fromApi = System.Text.Json.JsonDocument.Parse(api);
        using var fromMcp = System.Text.Json.JsonDocument.Parse(overHttp.Text);
        Assert.Equal(fromApi.RootElement.GetProperty("summary").GetProperty("headline").GetString(),
            fromMcp.RootElement.GetProperty("summary").GetProperty("headline").GetString());

        var bad = await CallAsync(http, "get_run", new() { ["run"] = "no-such-run" });
        Assert.True(bad.Error);
        Assert.StartsWith("get_run: run: ", bad.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_tokens_a_read_token_reads_but_cannot_import_a_write_token_imports_and_no_token_gets_nothing()
    {
        await using var server = await StartAsync(auth: true);
        var folder = Fixtures.Example("lightning-csv-mnist-cnn");

        // without a token, or with one the server does not know, the client cannot even initialize
        var none = await Assert.ThrowsAnyAsync<Exception>(() => ConnectAsync(server, token: null));
        Assert.Contains("401", none.ToString(), StringComparison.Ordinal);
        var unknown = await Assert.ThrowsAnyAsync<Exception>(() => ConnectAsync(server, token: "not-a-known-token"));
        Assert.Contains("401", unknown.ToString(), StringComparison.Ordinal);

        // a token without the write scope reads, and is refused the one tool that writes, which writes nothing
        await using var reader = await ConnectAsync(server, ReadToken);
        var empty = await CallAsync(reader, "list_runs", []);
        Assert.False(empty.Error, empty.Text);
        Assert.Contains("\"total\":0", empty.Text, StringComparison.Ordinal);
        var refused = await CallAsync(reader, "import_run", new() { ["path"] = folder });
        Assert.True(refused.Error);
        Assert.Equal("import_run: token 'dashboard' lacks the write scope; this tool changes the store, so it needs a token with the write scope in the server's tokens file.", refused.Text);
        Assert.Empty(await server.Store.ListRecordsAsync(new Runlens.Storage.RecordQuery()));

        // a token with the write scope imports; the reader then sees the run
        await using var writer = await ConnectAsync(server, WriteToken);
        var imported = await CallAsync(writer, "import_run", new() { ["path"] = folder });
        Assert.False(imported.Error, imported.Text);
        Assert.Contains("\"stored\":\"new\"", imported.Text, StringComparison.Ordinal);
        var listed = await CallAsync(reader, "list_runs", []);
        Assert.Contains("\"total\":1", listed.Text, StringComparison.Ordinal);
        Assert.Single(await server.Store.ListRecordsAsync(new Runlens.Storage.RecordQuery()));

        // diagnose_run reads for a read token, but with data_dir it reads the server's disk, as import_run does
        using (var answer = System.Text.Json.JsonDocument.Parse(imported.Text))
        {
            var run = answer.RootElement.GetProperty("runs")[0].GetProperty("id").GetString()!;
            Assert.False((await CallAsync(reader, "diagnose_run", new() { ["run"] = run })).Error);
            var disk = await CallAsync(reader, "diagnose_run", new() { ["run"] = run, ["data_dir"] = folder });
            Assert.True(disk.Error);
            Assert.Equal("diagnose_run: token 'dashboard' lacks the write scope; this tool reads the server's disk with data_dir, so it needs a token with the write scope in the server's tokens file.", disk.Text);
            var data = Path.Combine(Fixtures.RepoRoot, "bench", "diagnosis", "runs", "leakage--target-feature--s2", "data");
            var withData = await CallAsync(writer, "diagnose_run", new() { ["run"] = run, ["data_dir"] = data });
            Assert.False(withData.Error, withData.Text);
            Assert.Contains("\"rule\":\"feature-encodes-label\"", withData.Text, StringComparison.Ordinal);
        }

        // a token listed without the read scope reads over MCP exactly as over the API, where every writer reads (an
        // MLflow client reads the run it writes to)
        await using var ingest = await ConnectAsync(server, WriteOnlyToken);
        var seen = await CallAsync(ingest, "list_runs", []);
        Assert.False(seen.Error, seen.Text);
        Assert.Contains("\"total\":1", seen.Text, StringComparison.Ordinal);
        var (apiStatus, _) = await server.CallAsync(HttpMethod.Get, "/api/runs", null, token: WriteOnlyToken);
        Assert.Equal(200, apiStatus);

        // the API's own rule is unchanged: a read token may not POST to it
        var (status, _) = await server.CallAsync(HttpMethod.Post, "/api/runs", """{"name": "x"}""", token: ReadToken);
        Assert.Equal(403, status);
    }
}

using System.Diagnostics;
using System.Text.Json.Nodes;
using Runlens.Tests.Support;

namespace Runlens.Tests.Mcp;

/// <summary>The wire itself: JSON-RPC lines written to <c>runlens mcp</c>'s stdin, answers read from its stdout, which
/// carries nothing else.</summary>
public sealed class McpJsonRpcTests
{
    [Fact]
    public async Task Initialize_then_tools_list_over_raw_stdin_and_stdout_and_exit_0_when_stdin_closes()
    {
        using var dir = new TempDir();
        // runlens mcp creates no store: an empty one is made first
        await (await Runlens.Storage.Sqlite.SqliteRunStore.OpenAsync(dir.File("runlens.db"))).DisposeAsync();
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Fixtures.RepoRoot,
        };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "runlens.dll"), "mcp", "--store", dir.File("runlens.db") })
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await p.StandardInput.WriteLineAsync("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw-test","version":"0.1"}}}""");
        await p.StandardInput.FlushAsync();
        var answers = new Dictionary<int, JsonObject>();
        var lines = new List<string>();
        async Task ReadUntilAsync(int id)
        {
            while (!answers.ContainsKey(id))
            {
                var line = await p.StandardOutput.ReadLineAsync(cts.Token) ?? throw new InvalidOperationException("stdout closed; stderr: " + await stderr);
                lines.Add(line);
                var message = JsonNode.Parse(line)!.AsObject();   // every stdout line is one JSON-RPC message
                Assert.Equal("2.0", message["jsonrpc"]!.GetValue<string>());
                if (message["id"] is { } idNode)
                {
                    answers[idNode.GetValue<int>()] = message;
                }
            }
        }

        await ReadUntilAsync(1);
        var init = answers[1]["result"]!;
        Assert.Equal("runlens", init["serverInfo"]!["name"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(init["protocolVersion"]!.GetValue<string>()));
        Assert.NotNull(init["capabilities"]!["tools"]);
        Assert.Contains("list_runs", init["instructions"]!.GetValue<string>(), StringComparison.Ordinal);

        await p.StandardInput.WriteLineAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""");
        await p.StandardInput.WriteLineAsync("""{"jsonrpc":"2.0","id":2,"method":"tools/list"}""");
        await p.StandardInput.WriteLineAsync("""{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"list_runs","arguments":{}}}""");
        await p.StandardInput.FlushAsync();
        await ReadUntilAsync(2);
        await ReadUntilAsync(3);
        var tools = answers[2]["result"]!["tools"]!.AsArray();
        Assert.Equal(8, tools.Count);
        Assert.All(tools, t => Assert.NotNull(t!["inputSchema"]!["properties"]));
        var listed = answers[3]["result"]!;
        Assert.NotEqual(true, listed["isError"]?.GetValue<bool>());
        Assert.Equal(0, JsonNode.Parse(listed["content"]![0]!["text"]!.GetValue<string>())!["total"]!.GetValue<int>());

        p.StandardInput.Close();
        await p.WaitForExitAsync(cts.Token);
        Assert.Equal(0, p.ExitCode);
        Assert.Null(await p.StandardOutput.ReadLineAsync(cts.Token));
    }
}

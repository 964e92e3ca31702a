using Microsoft.Extensions.Logging.Abstractions;
using Runlens.Import;
using Runlens.Mcp;
using Runlens.Mcp.Tools;
using Runlens.Storage.Sqlite;
using Runlens.Tests.Support;

namespace Runlens.Tests.Mcp;

/// <summary>The MCP server's start-up warm-up: it reads and diagnoses the latest runs once, and changes nothing.</summary>
public sealed class McpWarmUpTests
{
    [Fact]
    public async Task The_warm_up_diagnoses_the_latest_runs_and_leaves_the_store_as_it_was()
    {
        using var dir = new TempDir();
        await using var store = await SqliteRunStore.OpenAsync(dir.File("runlens.db"));
        foreach (var example in McpStoreFixture.Examples)
        {
            foreach (var run in (await ImporterCatalog.ImportAsync(Fixtures.Example(example))).Runs)
            {
                await store.SaveRunAsync(run);
            }
        }

        var context = McpRunContext.Of(store);
        var tools = new RunTools(context);
        var before = await tools.ListRunsAsync(limit: 200);
        using var warmUp = new WarmUp(context, NullLogger<WarmUp>.Instance);
        await warmUp.StartAsync(CancellationToken.None);
        await warmUp.Completion;
        await warmUp.StopAsync(CancellationToken.None);

        Assert.Equal(McpStoreFixture.Examples.Length, context.DiagnosesHeld);
        Assert.Equal(before, await tools.ListRunsAsync(limit: 200));
    }

    [Fact]
    public async Task An_empty_store_warms_nothing_and_a_stop_during_the_warm_up_returns()
    {
        using var dir = new TempDir();
        await using var store = await SqliteRunStore.OpenAsync(dir.File("runlens.db"));
        var context = McpRunContext.Of(store);
        using var warmUp = new WarmUp(context, NullLogger<WarmUp>.Instance);
        await warmUp.StartAsync(CancellationToken.None);
        await warmUp.StopAsync(CancellationToken.None);
        await warmUp.Completion;
        Assert.Equal(0, context.DiagnosesHeld);
    }
}

using System.CommandLine;
using Runlens.Mcp;
using Runlens.Pipeline.Stores;

namespace Runlens.Cli.Commands;

/// <summary><c>runlens mcp [--store …]</c>: the run store served to AI agents over MCP on stdin/stdout, until stdin
/// closes or Ctrl+C. stdout carries JSON-RPC only; messages go to stderr. A missing store is created, as by <c>serve</c>:
/// the <c>import_run</c> tool writes to it.</summary>
internal static class McpCommand
{
    public static Command Build()
    {
        var store = StoreOption.Create();
        var settings = new SettingsOptions();
        var command = new Command("mcp", "Serve the run store to AI agents as an MCP server over stdio (tools: list_runs, get_run, diagnose_run, get_metric_history, compare_runs, hyperparameter_impact, explain_rule, import_run).")
        {
            store,
        };
        settings.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            if (settings.LoadOrReport(parse) is not { } loaded)
            {
                return ExitCodes.Usage;
            }

            // like serve, the MCP server writes (import_run), so a missing store is created
            await using var s = await StoreLocation.OpenAsync(parse.GetValue(store), Storage.StoreOpenMode.OpenOrCreate, ct);
            await RunlensMcpServer.RunAsync(s, loaded, ct);
            return ExitCodes.Ok;
        });
        return command;
    }
}

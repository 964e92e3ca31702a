using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Protocol;
using Runlens.Mcp.Tools;
using Runlens.Pipeline.Diagnosing;
using Runlens.Pipeline.Resolution;
using Runlens.Pipeline.Settings;
using Runlens.Pipeline.Stores;
using Runlens.Storage;

namespace Runlens.Mcp;

/// <summary>
/// The run store served to AI agents over the Model Context Protocol on stdin/stdout (<c>runlens mcp</c>): tools to list
/// runs, read a run and its series, diagnose, compare, explain a rule and import logs. stdout carries JSON-RPC only;
/// logs go to stderr.
/// </summary>
public static class RunlensMcpServer
{
    /// <summary>The tools the server offers, by MCP name.</summary>
    public static IReadOnlyList<string> ToolNames { get; } =
        [RunTools.ListRuns, RunTools.GetRun, RunTools.GetMetricHistory, RunTools.ImportRun, AnalysisTools.DiagnoseRun, AnalysisTools.CompareRuns, AnalysisTools.HyperparameterImpact, AnalysisTools.ExplainRule];

    /// <summary>What the server tells a client about itself on <c>initialize</c>: where to start.</summary>
    internal const string Instructions =
        "Runlens diagnoses ML training runs kept in its run store. Start with list_runs (ids, status, latest metrics), then "
        + "get_run for a run's config, series and coverage, diagnose_run for findings with evidence and recommended config "
        + "changes, get_metric_history for a series' values (downsampled, extremes kept), compare_runs to put runs side by "
        + "side, explain_rule for a finding's rule page. import_run adds a log folder or file from this machine. Every tool "
        + "returns compact JSON of a few KB at most (explain_rule returns Markdown).";

    /// <summary>Serves <paramref name="store"/> on stdin/stdout until stdin closes or <paramref name="cancellationToken"/>
    /// fires; runs are diagnosed with <paramref name="settings"/> (the rule options <c>runlens analyze</c> would load).</summary>
    public static Task RunAsync(IRunlensStore store, PipelineSettings? settings = null, CancellationToken cancellationToken = default) =>
        RunAsync(StoreAccess.Of(store), settings, cancellationToken);

    /// <inheritdoc cref="RunAsync(IRunlensStore, PipelineSettings?, CancellationToken)"/>
    public static async Task RunAsync(StoreAccess store, PipelineSettings? settings = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        // The empty builder reads no appsettings.json or environment from the working folder: only what is set here.
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = "runlens-mcp" });
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(new McpRunContext(StoredDiagnoses.Over(store, settings)));
        builder.Services.AddHostedService<WarmUp>(); // before AddMcpServer: hosted services start in order
        builder.Services
            .AddMcpServer(o =>
            {
                o.ServerInfo = new Implementation { Name = "runlens", Version = Version };
                o.ServerInstructions = Instructions;
            })
            .WithStdioServerTransport()
            .WithRequestFilters(f => f.AddCallToolFilter(ToolError.Filter))
            .WithTools<RunTools>()
            .WithTools<AnalysisTools>();
        using var host = builder.Build();
        await host.RunAsync(cancellationToken).ConfigureAwait(false);
    }

    private static string Version =>
        typeof(RunlensMcpServer).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";
}

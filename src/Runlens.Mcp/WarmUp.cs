using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Runlens.Mcp.Tools;

namespace Runlens.Mcp;

/// <summary>
/// Calls the read-only tools once when the server starts, before it reads its first request, on the store's most recent
/// runs, and throws the answers away. A fresh process compiles its code on first use: without this, an agent's first
/// call of each tool paid 150–300 ms of compilation (and the first diagnoses) that later calls do not; done in the
/// background instead, the warm-up competed with the agent's first calls for the CPU. The server waits for it at most
/// <see cref="Budget"/> (a store whose latest runs are huge takes longer to diagnose); past that it goes on in the
/// background. Nothing is written; the diagnoses made stay in the server's cache, as if the agent had asked for them. A
/// store without runs warms nothing.
/// </summary>
internal sealed partial class WarmUp(McpRunContext context, ILogger<WarmUp> logger) : IHostedService, IDisposable
{
    /// <summary>Most recent runs looked at: enough for a small impact analysis (its forest needs 5).</summary>
    private const int Runs = 8;

    /// <summary>Longest the server's start waits for the warm-up.</summary>
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(3);

    private readonly CancellationTokenSource _stopping = new();
    private Task _running = Task.CompletedTask;

    /// <summary>The warm-up itself, which may outlast <see cref="StartAsync"/>.</summary>
    internal Task Completion => _running;

    /// <summary>Registered before the MCP server's own services, so the host starts reading stdin only after this.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _running = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
        return Task.WhenAny(_running, Task.Delay(Budget, cancellationToken));
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAny(_running, Task.Delay(Timeout.Infinite, cancellationToken)).ConfigureAwait(false);
    }

    public void Dispose() => _stopping.Dispose();

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        try
        {
            var runs = new RunTools(context);
            var analysis = new AnalysisTools(context);
            using var page = JsonDocument.Parse(await runs.ListRunsAsync(limit: Runs, cancellationToken: stoppingToken).ConfigureAwait(false));
            var ids = page.RootElement.TryGetProperty("runs", out var list)
                ? list.EnumerateArray().Select(r => r.GetProperty("id").GetString()!).ToArray()
                : [];
            if (ids.Length == 0)
            {
                return;
            }

            using var run = JsonDocument.Parse(await runs.GetRunAsync(ids[0], stoppingToken).ConfigureAwait(false));
            await analysis.DiagnoseRunAsync(ids[0], cancellationToken: stoppingToken).ConfigureAwait(false);
            if (run.RootElement.TryGetProperty("series", out var series) && series.ValueKind == JsonValueKind.Array
                && series.EnumerateArray().FirstOrDefault() is { ValueKind: JsonValueKind.Object } first)
            {
                await runs.GetMetricHistoryAsync(ids[0], first.GetProperty("key").GetString()!, cancellationToken: stoppingToken).ConfigureAwait(false);
            }

            if (ids.Length >= 2)
            {
                await analysis.CompareRunsAsync(ids[..2], cancellationToken: stoppingToken).ConfigureAwait(false);
                await analysis.HyperparameterImpactAsync(runs: ids, cancellationToken: stoppingToken).ConfigureAwait(false);
            }

            await analysis.ExplainRuleAsync("overfitting").ConfigureAwait(false);
            LogWarm(logger, ids.Length);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // A failed warm-up costs only speed: the call that meets the same problem reports it.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogFailed(logger, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "warmed up on {Runs} recent runs")]
    private static partial void LogWarm(ILogger logger, int runs);

    [LoggerMessage(Level = LogLevel.Debug, Message = "warm-up stopped: {Reason}")]
    private static partial void LogFailed(ILogger logger, string reason);
}

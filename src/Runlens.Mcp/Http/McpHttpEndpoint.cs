using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Runlens.Pipeline.Diagnosing;

namespace Runlens.Mcp.Http;

/// <summary>
/// The MCP tools of <c>runlens mcp</c> over the streamable HTTP transport, for <c>runlens serve</c> (at <c>/mcp</c>): the
/// same tool classes, filters and instructions as over stdio, over the server's own pipeline (so the API, the pages and
/// MCP share one diagnosis cache). Stateless: every POST is one JSON-RPC exchange, so any replica behind a load balancer
/// can answer it. With <c>--auth</c> the server's token check lets a known token through and <see cref="ScopeFilter"/>
/// asks each tool for the scope it needs: <c>read</c> for the read-only tools, <c>write</c> for <c>import_run</c>.
/// </summary>
public static class McpHttpEndpoint
{
    /// <summary>Where <c>runlens serve</c> maps it.</summary>
    public const string Path = "/mcp";

    /// <summary>Registers the MCP server over <paramref name="diagnoses"/> (the server's pipeline).</summary>
    public static void AddServices(IServiceCollection services, StoredDiagnoses diagnoses)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(diagnoses);
        services.AddSingleton(new McpRunContext(diagnoses));
        services
            .AddMcpServer(RunlensMcpServer.Describe)
            .WithHttpTransport(o => o.Stateless = true)
            .WithRequestFilters(f => f.AddCallToolFilter(ScopeFilter.Filter))
            .WithRunlensTools();
    }

    /// <summary>Maps the transport at <see cref="Path"/>.</summary>
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapMcp(Path);
    }
}

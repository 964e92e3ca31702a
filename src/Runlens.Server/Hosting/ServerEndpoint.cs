using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Runlens.Pipeline.Diagnosing;

namespace Runlens.Server.Hosting;

/// <summary>
/// An endpoint another host adds to <c>runlens serve</c> without the server depending on it (the CLI adds MCP over HTTP
/// this way): its services, registered over the server's own pipeline, and its routes under <paramref name="Path"/>.
/// With <c>--auth</c> every request to it still needs a known bearer token; the token's scopes are on the request's user
/// as <c>scope</c> claims, and the endpoint checks per operation which scope it needs (every request is a POST, so the
/// API's "reads are GET" rule cannot tell).
/// </summary>
/// <param name="Path">The route prefix, e.g. <c>/mcp</c>.</param>
/// <param name="AddServices">Registers the endpoint's services over the server's diagnoses.</param>
/// <param name="Map">Maps its routes.</param>
public sealed record ServerEndpoint(string Path, Action<IServiceCollection, StoredDiagnoses> AddServices, Action<IEndpointRouteBuilder> Map);

using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Runlens.Server.Http;

namespace Runlens.Server.Auth;

/// <summary>With <c>--auth</c>: every request but a GET (or HEAD) of <c>/health</c> and <c>/version</c> needs
/// <c>Authorization: Bearer TOKEN</c>; reads (GET, HEAD, and MLflow's read-only POSTs <c>runs/search</c> and
/// <c>experiments/search</c>) need a read token, everything else a write token. MLflow clients send
/// <c>MLFLOW_TRACKING_TOKEN</c> this way. A known token's name and scopes go on the request's user (<c>scope</c> claims);
/// requests under <paramref name="scopedPaths"/> (endpoints that are POST for every operation, like MCP's) pass with any
/// known token, and the endpoint checks each operation's scope itself.</summary>
internal sealed class TokenAuthMiddleware(RequestDelegate next, TokenFile tokens, IReadOnlyList<string> scopedPaths)
{
    /// <summary>MLflow's searches are POSTs that change nothing.</summary>
    private static readonly HashSet<string> ReadOnlyPosts = new(StringComparer.Ordinal)
    {
        "/api/2.0/mlflow/runs/search", "/ajax-api/2.0/mlflow/runs/search",
        "/api/2.0/mlflow/experiments/search", "/ajax-api/2.0/mlflow/experiments/search",
    };

    public async Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        var method = context.Request.Method;
        if (path is "/health" or "/version" && (HttpMethods.IsGet(method) || HttpMethods.IsHead(method)))
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var header = context.Request.Headers.Authorization.ToString();
        var token = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
        var found = token is null ? null : tokens.Find(token);
        if (found is null)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await JsonResponses.ErrorAsync(context, new ApiException(ErrorCodes.Unauthenticated,
                token is null ? "This server needs a bearer token: send 'Authorization: Bearer TOKEN' (MLflow clients: set MLFLOW_TRACKING_TOKEN)." : "The bearer token is not known to this server.")).ConfigureAwait(false);
            return;
        }

        context.User = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, found.Value.Name), new Claim("scope", "read"), .. found.Value.Write ? [new Claim("scope", "write")] : Array.Empty<Claim>()], "Bearer"));
        var reading = HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || (HttpMethods.IsPost(method) && ReadOnlyPosts.Contains(path))
            || scopedPaths.Any(p => context.Request.Path.StartsWithSegments(p, StringComparison.Ordinal));
        if (!reading && !found.Value.Write)
        {
            await JsonResponses.ErrorAsync(context, new ApiException(ErrorCodes.PermissionDenied,
                $"Token '{found.Value.Name}' may only read; writing needs a token with the write scope.")).ConfigureAwait(false);
            return;
        }

        await next(context).ConfigureAwait(false);
    }
}

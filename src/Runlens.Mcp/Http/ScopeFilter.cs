using System.Security.Claims;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Runlens.Mcp.Http;

/// <summary>
/// Over HTTP with bearer tokens, a tool runs only for a token with the scope it needs: <c>read</c> for a read-only tool,
/// <c>write</c> for one that changes the store (<c>import_run</c>). The server's token check puts the token's scopes on
/// the request's user as <see cref="ScopeClaim"/> claims; a request without an authenticated user (a server without
/// <c>--auth</c>, or stdio) is not limited. A refusal is a tool error that names the token and the scope to ask for.
/// </summary>
internal static class ScopeFilter
{
    /// <summary>The claim type that carries one scope of the token (OAuth's name for it; the server's token check
    /// writes it).</summary>
    public const string ScopeClaim = "scope";

    public static McpRequestHandler<CallToolRequestParams, CallToolResult> Filter(McpRequestHandler<CallToolRequestParams, CallToolResult> next) =>
        (request, cancellationToken) =>
        {
            if (request.User is { Identity.IsAuthenticated: true } user)
            {
                var tool = request.MatchedPrimitive as McpServerTool;
                var needed = tool?.ProtocolTool.Annotations?.ReadOnlyHint == true ? "read" : "write";
                if (!user.HasClaim(ScopeClaim, needed))
                {
                    var name = request.Params?.Name ?? "tool";
                    var what = needed == "write" ? "changes the store" : "reads runs";
                    return ValueTask.FromResult(new CallToolResult
                    {
                        IsError = true,
                        Content = [new TextContentBlock { Text = $"{name}: token '{user.Identity?.Name}' lacks the {needed} scope; this tool {what}, so it needs a token with the {needed} scope in the server's tokens file." }],
                    });
                }
            }

            return next(request, cancellationToken);
        };
}

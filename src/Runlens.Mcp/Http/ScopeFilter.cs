using System.Security.Claims;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Runlens.Mcp.Http;

/// <summary>
/// Over HTTP with bearer tokens, a tool runs only for a token with the scope it needs: <c>read</c> for a read-only tool,
/// <c>write</c> for one that changes the store (<c>import_run</c>) or reads the server's disk (<c>diagnose_run</c> with
/// <c>data_dir</c>). The server's token check puts the token's scopes on the request's user as <see cref="ScopeClaim"/>
/// claims; a request without an authenticated user (a server without <c>--auth</c>, or stdio) is not limited. A refusal
/// is a tool error that names the token and the scope to ask for.
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
                var readsDisk = ReadsServerDisk(request.Params);
                var needed = tool?.ProtocolTool.Annotations?.ReadOnlyHint == true && !readsDisk ? "read" : "write";
                if (!user.HasClaim(ScopeClaim, needed))
                {
                    var name = request.Params?.Name ?? "tool";
                    var what = readsDisk ? "reads the server's disk with data_dir" : needed == "write" ? "changes the store" : "reads runs";
                    return ValueTask.FromResult(new CallToolResult
                    {
                        IsError = true,
                        Content = [new TextContentBlock { Text = $"{name}: token '{user.Identity?.Name}' lacks the {needed} scope; this tool {what}, so it needs a token with the {needed} scope in the server's tokens file." }],
                    });
                }
            }

            return next(request, cancellationToken);
        };

    /// <summary>A call that names a folder on the server's machine (<c>diagnose_run</c>'s <c>data_dir</c>) reads the
    /// server's disk as <c>import_run</c> does, so it needs the same <c>write</c> scope.</summary>
    private static bool ReadsServerDisk(CallToolRequestParams? call) =>
        call?.Arguments is { } arguments
        && arguments.TryGetValue("data_dir", out var dir)
        && dir.ValueKind switch
        {
            System.Text.Json.JsonValueKind.Null => false,
            System.Text.Json.JsonValueKind.String => !string.IsNullOrWhiteSpace(dir.GetString()),
            _ => true,
        };
}

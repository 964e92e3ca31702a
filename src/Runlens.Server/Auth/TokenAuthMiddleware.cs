using Microsoft.AspNetCore.Http;
using Runlens.Server.Http;

namespace Runlens.Server.Auth;

/// <summary>With <c>--auth</c>: every request but <c>/health</c> and <c>/version</c> needs <c>Authorization: Bearer
/// TOKEN</c>; reads (GET, HEAD) need a read token, everything else a write token. MLflow clients send
/// <c>MLFLOW_TRACKING_TOKEN</c> this way.</summary>
internal sealed class TokenAuthMiddleware(RequestDelegate next, TokenFile tokens)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        if (path is "/health" or "/version")
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

        var reading = HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method);
        if (!reading && !found.Value.Write)
        {
            await JsonResponses.ErrorAsync(context, new ApiException(ErrorCodes.PermissionDenied,
                $"Token '{found.Value.Name}' may only read; writing needs a token with the write scope.")).ConfigureAwait(false);
            return;
        }

        await next(context).ConfigureAwait(false);
    }
}

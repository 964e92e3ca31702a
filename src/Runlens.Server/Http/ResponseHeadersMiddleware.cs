using Microsoft.AspNetCore.Http;

namespace Runlens.Server.Http;

/// <summary>
/// Headers on every answer: <c>X-Content-Type-Options: nosniff</c> (a browser never guesses a type), a
/// Content-Security-Policy (pages run their own inline scripts and talk to this server only; artifacts get
/// <see cref="ArtifactPolicy"/>, which runs nothing), no framing and no referrer. And one check before routing: a URL
/// longer than <see cref="MaxUrlBytes"/> is a 414 with a JSON body that says what to do.
/// </summary>
internal sealed class ResponseHeadersMiddleware(RequestDelegate next)
{
    public const int MaxUrlBytes = 8192;

    /// <summary>What pages may do: their inline scripts and styles, images from data: URLs, requests to this server.</summary>
    public const string PagePolicy = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        + "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>What a downloaded artifact may do in a browser: nothing (no script, no plugin, an opaque origin).</summary>
    public const string ArtifactPolicy = "default-src 'none'; sandbox";

    public async Task InvokeAsync(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.ContentSecurityPolicy = PagePolicy;
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        var length = context.Request.PathBase.Value?.Length + (context.Request.Path.Value?.Length ?? 0) + context.Request.QueryString.Value?.Length ?? 0;
        if (length > MaxUrlBytes)
        {
            await JsonResponses.ErrorAsync(context, new ApiException(ErrorCodes.UriTooLong,
                $"The URL is {length} characters long, more than the {MaxUrlBytes} this server reads; send long filters in a POST body (MLflow's runs/search) or shorten the query.")).ConfigureAwait(false);
            return;
        }

        await next(context).ConfigureAwait(false);
    }
}

namespace Runlens.Server.Http;

/// <summary>A request the server refuses: written as <c>{"error_code": …, "message": …}</c> with the HTTP status MLflow
/// gives that code.</summary>
public sealed class ApiException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;

    public int Status => Code switch
    {
        ErrorCodes.NotFound or ErrorCodes.EndpointNotFound => 404,
        ErrorCodes.Unauthenticated => 401,
        ErrorCodes.PermissionDenied => 403,
        ErrorCodes.TooLarge => 413,
        ErrorCodes.UriTooLong => 414,
        ErrorCodes.Busy => 503,
        ErrorCodes.Internal => 500,
        _ => 400,
    };

    public static ApiException Invalid(string message) => new(ErrorCodes.InvalidParameter, message);

    public static ApiException NotFound(string message) => new(ErrorCodes.NotFound, message);

    public static ApiException Missing(string parameter) =>
        Invalid($"Missing value for required parameter '{parameter}'. See the API docs for more information about request parameters.");
}

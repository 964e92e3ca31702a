namespace Runlens.Server.Http;

/// <summary>MLflow's error codes (databricks ErrorCode names), used by both APIs.</summary>
public static class ErrorCodes
{
    public const string InvalidParameter = "INVALID_PARAMETER_VALUE";
    public const string NotFound = "RESOURCE_DOES_NOT_EXIST";
    public const string AlreadyExists = "RESOURCE_ALREADY_EXISTS";
    public const string EndpointNotFound = "ENDPOINT_NOT_FOUND";
    public const string Unauthenticated = "UNAUTHENTICATED";
    public const string PermissionDenied = "PERMISSION_DENIED";
    public const string TooLarge = "REQUEST_LIMIT_EXCEEDED";
    public const string UriTooLong = "URI_TOO_LONG";
    public const string Busy = "TEMPORARILY_UNAVAILABLE";
    public const string Internal = "INTERNAL_ERROR";
}

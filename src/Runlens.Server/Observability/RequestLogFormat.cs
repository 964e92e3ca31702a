namespace Runlens.Server.Observability;

/// <summary>How <c>runlens serve</c> logs requests on stderr (<c>request_log</c> in the config file).</summary>
public enum RequestLogFormat
{
    /// <summary>No request log.</summary>
    Off,

    /// <summary>One JSON object a line: timestamp, level, category, and the request's method, path, status and
    /// duration as fields (ASP.NET Core's HTTP logging through the JSON console formatter).</summary>
    Json,

    /// <summary>One plain line a request.</summary>
    Text,
}

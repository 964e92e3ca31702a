using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpLogging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Runlens.Server.Observability;

/// <summary>
/// Structured request logs: ASP.NET Core's HTTP logging (one combined entry per request with its method, path, status
/// code and duration) written to stderr by the console logger, as JSON lines or plain lines. Other categories log
/// warnings and errors only. Headers and bodies are never logged (bearer tokens stay out of the log).
/// </summary>
internal static class RequestLog
{
    private const string Category = "Microsoft.AspNetCore.HttpLogging.HttpLoggingMiddleware";

    public static void Configure(WebApplicationBuilder builder, RequestLogFormat format)
    {
        if (format == RequestLogFormat.Off)
        {
            return;
        }

        builder.Logging.AddFilter((category, level) => category == Category ? level >= LogLevel.Information : level >= LogLevel.Warning);
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        if (format == RequestLogFormat.Json)
        {
            builder.Logging.AddJsonConsole(o =>
            {
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                o.JsonWriterOptions = new System.Text.Json.JsonWriterOptions { Indented = false };
            });
        }
        else
        {
            builder.Logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
                o.ColorBehavior = LoggerColorBehavior.Disabled;
            });
        }

        builder.Services.AddHttpLogging(o =>
        {
            o.LoggingFields = HttpLoggingFields.RequestMethod | HttpLoggingFields.RequestPath | HttpLoggingFields.ResponseStatusCode | HttpLoggingFields.Duration;
            o.CombineLogs = true;
        });
    }

    public static void Use(WebApplication app, RequestLogFormat format)
    {
        if (format != RequestLogFormat.Off)
        {
            app.UseHttpLogging();
        }
    }
}

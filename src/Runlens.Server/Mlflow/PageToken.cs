using System.Text;
using System.Text.Json;
using Runlens.Server.Http;

namespace Runlens.Server.Mlflow;

/// <summary>MLflow's page tokens: base64 of <c>{"offset": n}</c>.</summary>
internal static class PageToken
{
    public static string Of(int offset) => Convert.ToBase64String(Encoding.UTF8.GetBytes($"{{\"offset\": {offset}}}"));

    public static int Offset(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return 0;
        }

        try
        {
            using var doc = JsonDocument.Parse(Convert.FromBase64String(token));
            return doc.RootElement.GetProperty("offset").GetInt32() is var n and >= 0 ? n : throw new FormatException();
        }
        catch (Exception ex) when (ex is FormatException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw ApiException.Invalid($"Invalid page token, could not base64-decode or parse it: '{token}'");
        }
    }
}

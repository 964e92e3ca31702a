using System.Net.Http.Json;

namespace Runlens.Live.Control;

/// <summary>A run on a Runlens server: <c>POST /api/runs/{id}/control</c> appends the action to the run's control
/// document and records it as an event of the run.</summary>
public sealed class ServerControlChannel(HttpClient http, string runId) : IControlChannel
{
    /// <summary>The run's control document on the server (<c>GET /api/runs/{id}/control</c>).</summary>
    /// <exception cref="HttpRequestException">The server did not answer with one.</exception>
    /// <exception cref="FormatException">The answer is not a control document.</exception>
    public static async Task<ControlDocument> ReadAsync(HttpClient http, string runId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        return ControlDocument.Parse(await http.GetStringAsync($"api/runs/{Uri.EscapeDataString(runId)}/control", cancellationToken).ConfigureAwait(false));
    }

    public async Task<ControlAction> IssueAsync(ControlAction action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(action);
        var body = ControlDocument.ActionJson(action); // the server assigns the id and the time
        using var response = await http.PostAsJsonAsync($"api/runs/{Uri.EscapeDataString(runId)}/control", body, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"POST /api/runs/{runId}/control: {(int)response.StatusCode} {text}");
        }

        var doc = ControlDocument.Parse(text);
        return doc.Actions[^1];
    }
}

using Runlens.Tests.Reports;
using Runlens.Tests.Support;

namespace Runlens.Tests.Contracts;

/// <summary>The native API's run JSON (<c>GET /api/runs</c>, <c>GET /api/runs/{id}</c>) from a real server: the contracts'
/// null rule (every field present, null when the run does not have it) and the stored diagnosis digest, compared with its
/// approved file. The run's times are given by the client; only the digest's run version is normalised (an opaque token that
/// hashes the rule catalogue too, so it changes with every rule change).</summary>
public sealed partial class NativeRunJsonTests
{
    [System.Text.RegularExpressions.GeneratedRegex("\"version\": \"[0-9a-f]{16}\"")]
    private static partial System.Text.RegularExpressions.Regex RunVersionToken();

    [Fact]
    public async Task A_run_and_a_search_page_with_the_diagnosis_digest_answer_as_approved()
    {
        await using var server = await TestServer.StartAsync();
        await server.CallAsync(HttpMethod.Post, "/api/runs", """{"id": "r1", "name": "bert", "start_time": 1772359200000, "config": {"learning_rate": 3e-5}, "tags": {"team": "nlp"}}""");
        await server.CallAsync(HttpMethod.Post, "/api/runs/r1/points", """
            {"series": [{"key": "loss", "steps": [1, 2, 3, 4], "values": [2.0, 1.5, 1.2, 1.0], "timestamps": [1772359201000, 1772359202000, 1772359203000, 1772359204000]},
                        {"key": "eval_loss", "steps": [2, 4], "values": [1.6, "NaN"], "timestamps": [1772359202000, 1772359204000]}]}
            """);
        await server.CallAsync(HttpMethod.Post, "/api/runs/r1/status", """{"status": "finished", "end_time": 1772359260000}""");

        var (status, _) = await server.CallAsync(HttpMethod.Get, "/api/runs/r1");
        Assert.Equal(200, status);
        ApprovedFile.Verify("native.run.json", await server.Http.GetStringAsync("/api/runs/r1"));
        ApprovedFile.Verify("native.runs-page-with-summary.json", RunVersionToken().Replace(await server.Http.GetStringAsync("/api/runs?summary=1"), "\"version\": \"<run version>\""));
    }
}

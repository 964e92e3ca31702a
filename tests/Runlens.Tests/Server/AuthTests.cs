using Runlens.Server;
using Runlens.Tests.Support;

namespace Runlens.Tests.Server;

/// <summary><c>--auth tokens.yaml</c>: nothing is read without a read token and nothing written without a write token.</summary>
public sealed class AuthTests
{
    private const string Tokens = """
        tokens:
          - name: trainer
            token: "w-0123456789abcdef"
            scopes: [write]
          - name: dashboard
            token: "r-0123456789abcdef"
            scopes: [read]
        """;

    private static Task<TestServer> StartAsync() => TestServer.StartAsync(configure: (dir, o) =>
    {
        var file = Path.Combine(dir, "tokens.yaml");
        File.WriteAllText(file, Tokens);
        return o with { AuthFile = file };
    });

    [Fact]
    public async Task Reads_need_a_read_token_and_writes_a_write_token()
    {
        await using var server = await StartAsync();
        const string Create = """{"experiment_id": "0", "run_name": "r"}""";

        var (status, body) = await server.CallAsync(HttpMethod.Post, "/api/2.0/mlflow/runs/create", Create);
        Assert.Equal((401, "UNAUTHENTICATED"), (status, body.GetProperty("error_code").GetString()));
        (status, body) = await server.CallAsync(HttpMethod.Get, "/api/2.0/mlflow/experiments/get?experiment_id=0");
        Assert.Equal(401, status);
        (status, body) = await server.CallAsync(HttpMethod.Get, "/api/runs", token: "not-a-known-token");
        Assert.Equal((401, "The bearer token is not known to this server."), (status, body.GetProperty("message").GetString()));

        (status, body) = await server.CallAsync(HttpMethod.Post, "/api/2.0/mlflow/runs/create", Create, token: "r-0123456789abcdef");
        Assert.Equal((403, "PERMISSION_DENIED"), (status, body.GetProperty("error_code").GetString()));
        Assert.Empty(await server.Store.ListRecordsAsync(new Runlens.Storage.RecordQuery()));

        (status, body) = await server.CallAsync(HttpMethod.Post, "/api/2.0/mlflow/runs/create", Create, token: "w-0123456789abcdef");
        Assert.Equal(200, status);
        var run = body.GetProperty("run").GetProperty("info").GetProperty("run_id").GetString();
        (status, _) = await server.CallAsync(HttpMethod.Get, "/api/2.0/mlflow/runs/get?run_id=" + run, token: "r-0123456789abcdef");
        Assert.Equal(200, status);
        (status, _) = await server.CallAsync(HttpMethod.Get, "/api/2.0/mlflow/runs/get?run_id=" + run, token: "w-0123456789abcdef");
        Assert.Equal(200, status); // MLflow clients read their experiment before they log: a writer reads too
        (status, _) = await server.CallAsync(HttpMethod.Put, "/api/2.0/mlflow-artifacts/artifacts/0/x.txt", "x", "text/plain", token: "r-0123456789abcdef");
        Assert.Equal(403, status);
        Assert.False(File.Exists(Path.Combine(server.ArtifactRoot, "0", "x.txt")));

        Assert.Equal("OK", await server.Http.GetStringAsync("/health"));
        Assert.Equal(RunlensServer.MlflowVersion, await server.Http.GetStringAsync("/version"));
    }

    [Theory]
    [InlineData("tokens:\n  - name: a\n    token: short\n    scopes: [read]\n", "token #1 (a): a token of at least 8 characters is required")]
    [InlineData("tokens:\n  - name: a\n    token: 0123456789\n    scopes: [admin]\n", "token #1 (a): scopes must be read and/or write, not 'admin'")]
    [InlineData("tokens: []\n", "no tokens")]
    [InlineData("tokens:\n  - name: a\n   token: x\n", "line 3")]
    public void A_bad_token_file_is_refused_with_where_and_why(string yaml, string expected)
    {
        using var dir = new TempDir();
        var file = Path.Combine(dir.Path, "tokens.yaml");
        File.WriteAllText(file, yaml);
        var ex = Assert.Throws<FormatException>(() => Runlens.Server.Auth.TokenFile.Load(file));
        Assert.StartsWith(file + ":", ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }
}

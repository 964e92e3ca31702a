using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Runlens.Server;
using Runlens.Storage;

namespace Runlens.Tests.Support;

/// <summary>A real Kestrel server on a free loopback port over a real store (SQLite in a temporary folder, or the test
/// PostgreSQL), with an HttpClient pointed at it.</summary>
internal sealed class TestServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TempDir _dir;

    private TestServer(WebApplication app, IRunlensStore store, TempDir dir, Uri address)
    {
        _app = app;
        Store = store;
        _dir = dir;
        Address = address;
        Http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(120) };
        Http.DefaultRequestHeaders.UserAgent.ParseAdd("mlflow-python-client/2.12.2");
    }

    public IRunlensStore Store { get; }

    public Uri Address { get; }

    public HttpClient Http { get; }

    public string ArtifactRoot => Path.Combine(_dir.Path, "artifacts");

    public string Folder => _dir.Path;

    public static async Task<TestServer> StartAsync(string backend = "sqlite", Func<string, ServerOptions, ServerOptions>? configure = null)
    {
        var dir = new TempDir();
        var store = (IRunlensStore)await Storage.RunStoreContract.OpenAsync(backend, dir);
        var options = new ServerOptions("http://127.0.0.1:0", Path.Combine(dir.Path, "artifacts"));
        options = configure?.Invoke(dir.Path, options) ?? options;
        var app = RunlensServer.Build(options, store);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TestServer(app, store, dir, new Uri(address));
    }

    /// <summary>A POST with a JSON body, as the MLflow client sends it.</summary>
    public Task<HttpResponseMessage> PostAsync(string path, string json) =>
        Http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.Clone();
    }

    /// <summary>Status and parsed body together, for one-line assertions.</summary>
    public async Task<(int Status, JsonElement Body)> CallAsync(HttpMethod method, string path, string? json = null, string contentType = "application/json", string? token = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        JsonElement body;
        try
        {
            using var doc = JsonDocument.Parse(text);
            body = doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            using var doc = JsonDocument.Parse(JsonSerializer.Serialize(text));
            body = doc.RootElement.Clone();
        }

        return ((int)response.StatusCode, body);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await Store.DisposeAsync();
        _dir.Dispose();
    }
}

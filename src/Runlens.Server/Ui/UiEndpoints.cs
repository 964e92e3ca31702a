using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Runlens.Server.Http;

namespace Runlens.Server.Ui;

/// <summary>
/// The web pages of <c>runlens serve</c>: <c>/</c> lists the runs (the same filter syntax as the API, sortable, paged, the
/// state in the URL so it can be shared), <c>/runs/{id}</c> shows one run — the HTML report of its diagnosis, which
/// reloads itself while the run is running and gains points.
/// </summary>
internal sealed class UiEndpoints(RunDiagnosis diagnosis)
{
    private static readonly Lazy<byte[]> RunsPage = new(() => Resource("runs.html"));

    /// <summary>Added to a run's page: every 5 s it asks for the run's latest points and reloads when there are new ones.</summary>
    private const string LiveScript = """
        <script>
        (function () {
          var id = document.querySelector("section.run").dataset.run, seen = null;
          function latest(r) { return JSON.stringify(r.metrics) + r.status; }
          function poll() {
            fetch("/api/runs/" + encodeURIComponent(id)).then(function (r) { return r.json(); }).then(function (r) {
              var now = latest(r);
              if (seen !== null && now !== seen) { location.reload(); return; }
              seen = now;
              if (r.status === "running") { setTimeout(poll, 5000); }
            });
          }
          poll();
        })();
        </script>
        """;

    public void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/", (HttpContext context) => Html(context, RunsPage.Value));
        app.MapGet("/runs/{id}", async (HttpContext context, string id) =>
        {
            var page = await diagnosis.PageAsync(id, context.RequestAborted).ConfigureAwait(false)
                ?? throw ApiException.NotFound($"Run '{id}' not found");
            var text = Encoding.UTF8.GetString(page);
            var back = "<p><a href=\"/\">← all runs</a></p>";
            text = text.Replace("<main>", "<main>" + back, StringComparison.Ordinal).Replace("</body>", LiveScript + "</body>", StringComparison.Ordinal);
            await Html(context, Encoding.UTF8.GetBytes(text)).ConfigureAwait(false);
        });
    }

    private static async Task Html(HttpContext context, byte[] page)
    {
        context.Response.ContentType = "text/html; charset=utf-8";
        await context.Response.Body.WriteAsync(page, context.RequestAborted).ConfigureAwait(false);
    }

    private static byte[] Resource(string name)
    {
        using var stream = typeof(UiEndpoints).Assembly.GetManifestResourceStream("Runlens.Server.Ui." + name)
            ?? throw new InvalidOperationException($"the page {name} is not embedded");
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }
}

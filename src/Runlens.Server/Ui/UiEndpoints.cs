using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Runlens.Pipeline.Diagnosing;
using Runlens.Server.Http;

namespace Runlens.Server.Ui;

/// <summary>
/// The web pages of <c>runlens serve</c>: <c>/</c> lists the runs (the same filter syntax as the API, sortable, paged, the
/// state in the URL so it can be shared), <c>/runs/{id}</c> shows one run — the HTML report of its diagnosis, which
/// reloads itself while the run is running and gains points.
/// </summary>
internal sealed class UiEndpoints(StoredDiagnoses diagnosis, ServerOptions options)
{
    public const int MaxCompared = 10;

    /// <summary>Points per series on the pages (the run page's charts, the comparison's curves).</summary>
    public const int PagePoints = StoredDiagnoses.PagePoints;

    private static readonly Lazy<byte[]> RunsPage = new(() => Resource("runs.html"));

    /// <summary>Added to a run's page: every 5 s it asks for the run's latest points and reloads when there are new ones.</summary>
    private const string LiveScript = """
        <script>
        (function () {
          var id = document.querySelector("section.run").dataset.run, seen = null;
          window.runlensDetail = "/api/runs/" + encodeURIComponent(id);
          if (window.runlens && runlens.refine) { runlens.refine(); }
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
        app.MapGet("/runs/{id}", RunPageAsync);
        app.MapGet("/runs/{id}/ready", async (HttpContext context, string id) =>
        {
            var version = await diagnosis.VersionAsync(id, context.RequestAborted).ConfigureAwait(false);
            var ready = version is not null && diagnosis.IsReady(id, version);
            await JsonResponses.WriteAsync(context, w =>
            {
                w.WriteStartObject();
                w.WriteBoolean("ready", ready);
                w.WriteEndObject();
            }).ConfigureAwait(false);
        });
        app.MapGet("/compare", CompareAsync);

        // the rule pages the findings link to (docs/rules/RL0101.md, relative to a run page)
        foreach (var prefix in (string[])["/docs/rules/{file}", "/runs/docs/rules/{file}"])
        {
            app.MapGet(prefix, async (HttpContext context, string file) =>
            {
                using var stream = typeof(UiEndpoints).Assembly.GetManifestResourceStream("Runlens.Server.Rules." + file)
                    ?? throw ApiException.NotFound($"No rule page {file}; `runlens rules` lists the rules");
                context.Response.ContentType = "text/plain; charset=utf-8";
                await stream.CopyToAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
            });
        }
    }

    /// <summary>A run's page. A run of more than <see cref="ServerOptions.InlineDiagnosisPoints"/> points whose
    /// diagnosis is not ready yet gets its charts at once (read from the store reduced) with a notice, while the
    /// diagnosis runs in the background; the page swaps itself for the full report when it is ready.</summary>
    private async Task RunPageAsync(HttpContext context, string id)
    {
        var version = await diagnosis.VersionAsync(id, context.RequestAborted).ConfigureAwait(false) ?? throw ApiException.NotFound($"Run '{id}' not found");
        byte[] page;
        string script;
        if (version.Points > options.InlineDiagnosisPoints && !diagnosis.IsReady(id, version))
        {
            var run = await diagnosis.Runs.ReducedAsync(id, PagePoints, context.RequestAborted).ConfigureAwait(false) ?? throw ApiException.NotFound($"Run '{id}' not found");
            diagnosis.Warm(id);
            using var output = new MemoryStream();
            Reports.Html.PendingRunPage.Render(run, version.Points, output);
            page = output.ToArray();
            script = PendingScript;
        }
        else
        {
            page = await diagnosis.PageAsync(id, context.RequestAborted).ConfigureAwait(false) ?? throw ApiException.NotFound($"Run '{id}' not found");
            script = LiveScript;
        }

        var text = Encoding.UTF8.GetString(page)
            .Replace("<main>", "<main><p><a href=\"/\">← all runs</a></p>", StringComparison.Ordinal)
            .Replace("</body>", script + "</body>", StringComparison.Ordinal);
        await Html(context, Encoding.UTF8.GetBytes(text)).ConfigureAwait(false);
    }

    /// <summary>Added to a pending run page: it asks twice a second whether the diagnosis is ready, then reloads.</summary>
    private const string PendingScript = """
        <script>
        (function () {
          var id = document.querySelector("section.run").dataset.run;
          window.runlensDetail = "/api/runs/" + encodeURIComponent(id);
          if (window.runlens && runlens.refine) { runlens.refine(); }
          function poll() {
            fetch("/runs/" + encodeURIComponent(id) + "/ready").then(function (r) { return r.json(); }).then(function (r) {
              if (r.ready) { location.reload(); } else { setTimeout(poll, 500); }
            }, function () { setTimeout(poll, 2000); });
          }
          poll();
        })();
        </script>
        """;

    /// <summary><c>/compare?runs=A,B,…</c> (2 to 10 runs): config diff, best and final values, overlaid curves — each
    /// series read from the store reduced to <see cref="PagePoints"/> points (extremes kept, so best and
    /// final values are exact).</summary>
    private async Task CompareAsync(HttpContext context)
    {
        var ids = context.Request.Query["runs"].SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Distinct(StringComparer.Ordinal).ToList();
        if (ids.Count is < 2 or > MaxCompared)
        {
            throw ApiException.Invalid($"runs: give 2 to {MaxCompared} run ids, e.g. /compare?runs=a,b (got {ids.Count})");
        }

        var runs = new List<Model.Run>();
        foreach (var id in ids)
        {
            runs.Add(await diagnosis.Runs.ReducedAsync(id, PagePoints, context.RequestAborted).ConfigureAwait(false) ?? throw ApiException.NotFound($"Run '{id}' not found"));
        }

        using var output = new MemoryStream();
        Reports.Html.ComparisonHtmlRenderer.Render(Analysis.Comparison.RunComparison.Of(runs), output);
        await Html(context, output.ToArray()).ConfigureAwait(false);
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

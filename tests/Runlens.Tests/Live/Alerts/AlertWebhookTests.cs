using System.Net;
using System.Text.Json.Nodes;
using Runlens.Analysis.Findings;
using Runlens.Live.Alerts;
using Runlens.Model;
using Runlens.Tests.Support;
using static Runlens.Tests.Live.Alerts.AlertTestData;
using Reply = Runlens.Tests.Live.Alerts.AlertWebhookReceiver.Reply;

namespace Runlens.Tests.Live.Alerts;

/// <summary>The webhook sinks against a real HTTP server on 127.0.0.1: exact payloads, retries with back-off, Retry-After,
/// refusals, time-outs, and one post for a persisting finding.</summary>
public sealed class AlertWebhookTests
{
    private static readonly Run Run = new RunBuilder().Series("train/loss", 10, 1, 2, double.NaN).Build();

    private static readonly Finding Diverged =
        NewFinding("RL0107", "divergence", Severity.Error, "train/loss became NaN at step 30 (lr > 1e-3 & fp16)", "train/loss");

    private static DeliveryOptions Fast(int retries = 3) =>
        new(retries, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30));

    private static async Task<AlertEvaluation> EvaluateOnce(string sinkYaml, Finding finding, HttpClient http)
    {
        var config = Config(sinkYaml + "retry_delay_seconds: 0.001\n");
        var engine = new AlertEngine(config, config.CreateSinks(TextWriter.Null, http));
        return await engine.EvaluateAsync(Diag(Run, finding), T0, T0, true, CancellationToken.None);
    }

    [Fact]
    public async Task The_slack_payload_has_the_text_and_blocks_with_run_severity_title_and_recommendation()
    {
        await using var receiver = await AlertWebhookReceiver.StartAsync();
        using var http = new HttpClient();
        var e = await EvaluateOnce($"sinks:\n  - slack: {receiver.Url}\n", Diverged, http);
        Assert.Empty(e.Warnings);

        var request = Assert.Single(receiver.Requests);
        Assert.Equal("application/json; charset=utf-8", request.ContentType);
        var expected = JsonNode.Parse("""
            {
              "text": "[ERROR] test-run: train/loss became NaN at step 30 (lr &gt; 1e-3 &amp; fp16)\nWhat to do: Fix divergence.",
              "blocks": [
                {"type": "section", "text": {"type": "mrkdwn",
                  "text": "*[ERROR] test-run*: train/loss became NaN at step 30 (lr &gt; 1e-3 &amp; fp16)\nWhy divergence happens."}},
                {"type": "section", "text": {"type": "mrkdwn", "text": "*What to do:* Fix divergence."}},
                {"type": "context", "elements": [{"type": "mrkdwn", "text": "finding · RL0107 divergence · step 120 · 2026-03-01 10:00:00 UTC"}]}
              ]
            }
            """);
        var actual = JsonNode.Parse(request.Body);
        Assert.True(JsonNode.DeepEquals(expected, actual), request.Body);
    }

    [Fact]
    public async Task The_generic_payload_is_the_documented_object_and_carries_the_configured_headers()
    {
        await using var receiver = await AlertWebhookReceiver.StartAsync();
        using var http = new HttpClient();
        var e = await EvaluateOnce($"sinks:\n  - webhook: {receiver.Url}\n    headers: {{ Authorization: \"Bearer s3cret\", X-Team: ml }}\n", Diverged, http);
        Assert.Empty(e.Warnings);

        var request = Assert.Single(receiver.Requests);
        Assert.Equal("Bearer s3cret", request.Headers["Authorization"]);
        Assert.Equal("ml", request.Headers["X-Team"]);
        var expected = JsonNode.Parse("""
            {"schema": "runlens.alert/v1", "run": {"id": "test-run", "name": "test-run"}, "kind": "finding",
             "key": "finding:RL0107:train/loss", "rule_id": "RL0107", "rule": "divergence", "severity": "error",
             "title": "train/loss became NaN at step 30 (lr > 1e-3 & fp16)", "message": "Why divergence happens.",
             "step": 120, "metric": "train/loss", "value": null, "time": "2026-03-01T10:00:00.0000000+00:00",
             "recommendation": "Fix divergence."}
            """);
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(request.Body)), request.Body);
    }

    [Fact]
    public async Task Two_503_answers_then_a_200_make_exactly_three_requests_and_one_delivered_alert()
    {
        await using var receiver = await AlertWebhookReceiver.StartAsync(new Reply(503), new Reply(503), new Reply(200));
        using var http = new HttpClient();
        var e = await EvaluateOnce($"sinks:\n  - webhook: {receiver.Url}\nretries: 3\n", Diverged, http);

        Assert.Single(e.Alerts);
        Assert.Empty(e.Warnings);
        var requests = receiver.Requests.ToArray();
        Assert.Equal(3, requests.Length);
        Assert.All(requests, r => Assert.Equal(requests[0].Body, r.Body));
        Assert.True(requests[2].At - requests[0].At < TimeSpan.FromSeconds(2), "the back-off starts from the configured 1 ms");
    }

    [Fact]
    public async Task Retries_run_out_with_a_warning_naming_the_status_and_the_attempts()
    {
        await using var receiver = await AlertWebhookReceiver.StartAsync(new Reply(503), new Reply(500), new Reply(429), new Reply(200));
        using var http = new HttpClient();
        var e = await EvaluateOnce($"sinks:\n  - slack: {receiver.Url}\nretries: 2\n", Diverged, http);

        Assert.Equal(3, receiver.Requests.Count);
        var warning = Assert.Single(e.Warnings);
        Assert.Equal($"alert 'finding:RL0107:train/loss' not delivered to slack {receiver.Url}: HTTP 429 Too Many Requests after 3 attempts", warning);
    }

    [Fact]
    public async Task A_400_is_not_retried()
    {
        await using var receiver = await AlertWebhookReceiver.StartAsync(new Reply(400), new Reply(200));
        using var http = new HttpClient();
        var e = await EvaluateOnce($"sinks:\n  - webhook: {receiver.Url}\n", Diverged, http);

        Assert.Single(receiver.Requests);
        Assert.Contains("HTTP 400 Bad Request (not retried: the server refused the request)", Assert.Single(e.Warnings), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retry_after_from_the_server_replaces_the_back_off()
    {
        await using var receiver = await AlertWebhookReceiver.StartAsync(new Reply(503, RetryAfterSeconds: 1), new Reply(200));
        using var http = new HttpClient();
        var sink = new WebhookAlertSink(receiver.Url, WebhookFormat.Json, http, Fast());
        await sink.SendAsync(new Alert("k", AlertKinds.Stalled, Severity.Warning, "t", "m", null, null, null, null) { Time = T0 }, CancellationToken.None);

        var requests = receiver.Requests.ToArray();
        Assert.Equal(2, requests.Length);
        var gap = requests[1].At - requests[0].At;
        Assert.True(gap >= TimeSpan.FromMilliseconds(950), $"waited {gap.TotalMilliseconds} ms, Retry-After asked for 1 s");
        Assert.True(gap < TimeSpan.FromSeconds(4), $"waited {gap.TotalMilliseconds} ms");
    }

    [Fact]
    public void Retry_after_is_read_as_seconds_or_a_date_and_capped()
    {
        var clock = new FixedClock(T0);
        using var delta = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        delta.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(7));
        Assert.Equal(TimeSpan.FromSeconds(7), WebhookAlertSink.RetryAfter(delta, TimeSpan.FromSeconds(30), clock));
        Assert.Equal(TimeSpan.FromSeconds(5), WebhookAlertSink.RetryAfter(delta, TimeSpan.FromSeconds(5), clock));

        using var date = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        date.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(T0.AddSeconds(12));
        Assert.Equal(TimeSpan.FromSeconds(12), WebhookAlertSink.RetryAfter(date, TimeSpan.FromSeconds(30), clock));
        date.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(T0.AddSeconds(-12));
        Assert.Equal(TimeSpan.Zero, WebhookAlertSink.RetryAfter(date, TimeSpan.FromSeconds(30), clock));

        using var none = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        Assert.Null(WebhookAlertSink.RetryAfter(none, TimeSpan.FromSeconds(30), clock));
    }

    [Fact]
    public async Task A_request_that_times_out_is_retried_and_an_overall_timeout_gives_up()
    {
        await using var receiver = await AlertWebhookReceiver.StartAsync(new Reply(200, Delay: TimeSpan.FromSeconds(10)), new Reply(200));
        using var http = new HttpClient();
        var alert = new Alert("k", AlertKinds.Stalled, Severity.Warning, "t", "m", null, null, null, null) { Time = T0 };
        var perAttempt = new WebhookAlertSink(receiver.Url, WebhookFormat.Json, http, Fast() with { AttemptTimeout = TimeSpan.FromMilliseconds(300) });
        await perAttempt.SendAsync(alert, CancellationToken.None);
        Assert.Equal(2, receiver.Requests.Count);

        await using var slow = await AlertWebhookReceiver.StartAsync(new Reply(200, Delay: TimeSpan.FromSeconds(10)));
        var overall = new WebhookAlertSink(slow.Url, WebhookFormat.Json, http, Fast() with { Timeout = TimeSpan.FromMilliseconds(400) });
        var ex = await Assert.ThrowsAsync<WebhookDeliveryException>(() => overall.SendAsync(alert, CancellationToken.None));
        Assert.Contains("no answer within 0.4 s after 1 attempt", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_connection_is_retried_then_reported()
    {
        var port = ClosedPort();
        using var http = new HttpClient();
        var sink = new WebhookAlertSink(new Uri($"http://127.0.0.1:{port}/hook"), WebhookFormat.Slack, http, Fast(retries: 2));
        var ex = await Assert.ThrowsAsync<WebhookDeliveryException>(() =>
            sink.SendAsync(new Alert("k", AlertKinds.Stalled, Severity.Warning, "t", "m", null, null, null, null), CancellationToken.None));
        Assert.Equal(3, ex.Attempts);
        Assert.EndsWith("after 3 attempts", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_same_persisting_finding_over_five_evaluations_posts_once()
    {
        await using var receiver = await AlertWebhookReceiver.StartAsync();
        using var http = new HttpClient();
        var config = Config($"sinks:\n  - webhook: {receiver.Url}\n  - slack: {receiver.Url}\n");
        var engine = new AlertEngine(config, config.CreateSinks(TextWriter.Null, http));
        for (var i = 0; i < 5; i++)
        {
            var finding = NewFinding("RL0107", "divergence", Severity.Error, $"train/loss is NaN in {i + 1} points", "train/loss");
            await engine.EvaluateAsync(Diag(Run, finding), T0.AddMinutes(10 * i), T0, true, CancellationToken.None);
        }

        var requests = receiver.Requests.ToArray();
        Assert.Equal(2, requests.Length); // one per sink
        Assert.Single(requests, r => JsonNode.Parse(r.Body)!["schema"] is not null);
        Assert.Single(requests, r => JsonNode.Parse(r.Body)!["blocks"] is not null);
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}

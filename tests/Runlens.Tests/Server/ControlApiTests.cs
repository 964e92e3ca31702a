using System.Collections.Immutable;
using Runlens.Live.Control;
using Runlens.Live.Watch;
using Runlens.Model;
using Runlens.Pipeline.Sources;
using Runlens.Tests.Support;

namespace Runlens.Tests.Server;

/// <summary><c>GET/POST /api/runs/{id}/control</c>, and a watched run read from and sent to a real server.</summary>
public sealed class ControlApiTests
{
    [Fact]
    public async Task Actions_are_appended_numbered_served_and_recorded_as_events_of_the_run()
    {
        await using var server = await TestServer.StartAsync();
        await server.CallAsync(HttpMethod.Post, "/api/runs", """{"id": "c1", "name": "bert"}""");

        var (status, body) = await server.CallAsync(HttpMethod.Get, "/api/runs/c1/control");
        Assert.Equal(200, status);
        Assert.Equal("runlens.control/v1", body.GetProperty("schema").GetString());
        Assert.Equal(0, body.GetProperty("actions").GetArrayLength());

        (status, body) = await server.CallAsync(HttpMethod.Post, "/api/runs/c1/control",
            """{"action": "reduce_lr", "factor": 0.5, "reason": "loss spikes every 200 steps", "rule": "RL0304", "finding": "12 loss spikes", "step": 800}""");
        Assert.Equal(201, status);
        (status, body) = await server.CallAsync(HttpMethod.Post, "/api/runs/c1/control", """{"action": "stop", "reason": "the loss diverged"}""");
        Assert.Equal(201, status);

        var served = ControlDocument.Parse((await server.Http.GetStringAsync("/api/runs/c1/control")));
        Assert.Equal(["a1:ReduceLr:0.5", "a2:Stop:"], served.Actions.Select(a => $"{a.Id}:{a.Action}:{a.Factor}"));
        Assert.Equal("RL0304", served.Actions[0].RuleId);
        Assert.Equal(800, served.Actions[0].Step);

        var run = await server.Store.GetRunAsync("c1");
        Assert.Equal(
            ["control a1: reduce_lr × 0.5: loss spikes every 200 steps (finding RL0304: 12 loss spikes)", "control a2: stop: the loss diverged"],
            run!.Events.Where(e => e.Kind == RunEventKind.Control).Select(e => e.Message));
    }

    [Fact]
    public async Task The_server_channel_posts_an_action_and_gets_it_back_numbered_by_the_server()
    {
        await using var server = await TestServer.StartAsync();
        await server.CallAsync(HttpMethod.Post, "/api/runs", """{"id": "c3"}""");
        var channel = new ServerControlChannel(server.Http, "c3");
        var first = await channel.IssueAsync(new ControlAction("", ControlVerb.Rollback, "past the best checkpoint", DateTimeOffset.UtcNow, "RL0102", Checkpoint: "out/checkpoint-800"), default);
        var second = await channel.IssueAsync(new ControlAction("", ControlVerb.Stop, "diverged", DateTimeOffset.UtcNow), default);
        Assert.Equal(("a1", "out/checkpoint-800", "a2"), (first.Id, first.Checkpoint, second.Id));
        await Assert.ThrowsAsync<HttpRequestException>(() => new ServerControlChannel(server.Http, "missing").IssueAsync(second, default));
    }

    [Theory]
    [InlineData("""{"action": "explode", "reason": "x"}""", "action: expected stop, reduce_lr or rollback")]
    [InlineData("""{"action": "stop"}""", "reason: say why, in one sentence")]
    [InlineData("""{"action": "reduce_lr", "reason": "x", "factor": 1.5}""", "factor: reduce_lr needs a factor above 0 and below 1 (e.g. 0.5)")]
    public async Task A_bad_action_is_refused_with_the_reason_and_nothing_is_stored(string json, string message)
    {
        await using var server = await TestServer.StartAsync();
        await server.CallAsync(HttpMethod.Post, "/api/runs", """{"id": "c2"}""");
        var (status, body) = await server.CallAsync(HttpMethod.Post, "/api/runs/c2/control", json);
        Assert.Equal(400, status);
        Assert.Equal(message, body.GetProperty("message").GetString());
        Assert.Equal(404, (await server.CallAsync(HttpMethod.Get, "/api/runs/nope/control")).Status);
        Assert.Empty(ControlDocument.Parse(await server.Http.GetStringAsync("/api/runs/c2/control")).Actions);
    }

    [Fact]
    public async Task A_run_sent_by_the_publisher_reads_back_through_the_server_source_point_for_point()
    {
        await using var server = await TestServer.StartAsync();
        static Series Loss(int count) => new("train/loss", "loss",
            [.. Enumerable.Range(1, count).Select(i => new SeriesPoint(i, i == 7 ? double.NaN : 1.0 / i, double.NaN, 1_795_344_886 + i))]);
        var run = new Run
        {
            Identity = new RunIdentity("local", "local", null, new RunSource("jsonl", "x")),
            Config = RunConfig.From([new("learning_rate", ConfigValue.Of(3e-5)), new("optim", ConfigValue.Of("adamw"))]),
            Series = new Dictionary<string, Series> { ["train/loss"] = Loss(500) }.ToImmutableSortedDictionary(StringComparer.Ordinal),
        };

        var publisher = new ServerPublisher(server.Http, "pub-1", "my run");
        await publisher.PublishAsync(run, default);
        Assert.Null(publisher.Problem);
        var source = new ServerRunSource(server.Http, "pub-1");
        var read = (await source.ReadAsync(default)).Run!;
        Assert.Equal("my run", read.Identity.Name);
        Assert.Equal("adamw", read.Config.Get("optim")!.Value.Text);
        Assert.Equal(500, read.Get("train/loss")!.Count);
        Assert.True(double.IsNaN(read.Get("train/loss")!.Points[6].Value));
        Assert.Null((await source.ReadAsync(default)).Run); // unchanged

        // the run grows; the publisher sends only the new points, the source reads only from the last step on
        await publisher.PublishAsync(run with { Series = run.Series.SetItem("train/loss", Loss(800)) }, default);
        await publisher.PublishAsync(run with { Series = run.Series.SetItem("train/loss", Loss(800)) }, default); // nothing new
        read = (await source.ReadAsync(default)).Run!;
        Assert.Equal(Enumerable.Range(1, 800).Select(i => (long)i), read.Get("train/loss")!.Steps());
        Assert.Equal(1.0 / 800, read.Get("train/loss")!.Last.Value);

        await publisher.FinishAsync([new RunEvent(RunEventKind.Control, "control a1: stop: diverged", 790)], RunStatus.Finished, DateTimeOffset.UtcNow, default);
        read = (await source.ReadAsync(default)).Run!;
        Assert.Equal(RunStatus.Finished, read.Status);
        var stored = await server.Store.GetRunAsync("pub-1");
        Assert.Equal("control a1: stop: diverged", Assert.Single(stored!.Events).Message);
    }
}

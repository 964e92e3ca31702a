using System.Text.Json;
using Runlens.Storage.Sqlite;
using Runlens.Tests.Support;

namespace Runlens.Tests.Live.Alerts;

/// <summary><c>runlens watch</c> (the real executable) with an e-mail sink whose real SMTP server keeps refusing: the watch
/// reports the failed delivery, still sends the alert to the other sinks, still takes its action, and ends normally.</summary>
public sealed class EmailWatchTests
{
    [SmtpFact]
    public async Task A_refusing_mail_server_is_reported_and_the_watch_goes_on()
    {
        using var dir = new TempDir();
        var storePath = dir.File("runs.db");
        var loss = Enumerable.Range(1, 60).Select(i => i < 40 ? 2.0 / i : double.NaN).ToArray();
        await using (var s = await SqliteRunStore.OpenAsync(storePath))
        {
            await s.SaveRunAsync(new RunBuilder().Named("mailed-1").Series("train/loss", 10, loss).Status(Runlens.Model.RunStatus.Failed).Build());
        }

        await using var server = await SmtpTestServer.StartAsync(refuse: (100, 451));
        await File.WriteAllTextAsync(dir.File("alerts.yaml"), $"""
            rules:
              - rule: divergence
            sinks:
              - file: alerts.jsonl
              - email:
                  host: 127.0.0.1
                  port: {server.Port}
                  tls: none
                  from: runlens@example.org
                  to: ml@example.org
            retries: 1
            retry_delay_seconds: 0.001
            actions:
              - rule: divergence
                do: stop
            """);

        var r = await RunlensProcess.RunAsync("watch", "mailed-1", "--store", storePath, "--alerts", dir.File("alerts.yaml"), "--format", "json");
        Assert.True(r.ExitCode == 0, r.StdErr);
        var lines = r.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        string Type(JsonElement e) => e.GetProperty("type").GetString()!;

        var warning = Assert.Single(lines, l => Type(l) == "warning").GetProperty("message").GetString();
        Assert.Equal($"alert 'finding:RL0107:train/loss' not delivered to email 127.0.0.1:{server.Port}: SMTP 451 4.3.0 Try again later after 2 attempts", warning);
        Assert.Single(lines, l => Type(l) == "action");
        Assert.Equal("RL0107", (string?)System.Text.Json.Nodes.JsonNode.Parse(Assert.Single(File.ReadAllLines(dir.File("alerts.jsonl"))))!["rule_id"]);
        Assert.Equal(2, (await server.WaitForAsync("refused", 2)).Count);
        Assert.Empty(server.Of("message"));
    }
}

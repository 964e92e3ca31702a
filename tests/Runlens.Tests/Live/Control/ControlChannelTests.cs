using Runlens.Live.Control;
using Runlens.Model;
using Runlens.Tests.Support;

namespace Runlens.Tests.Live.Control;

public sealed class ControlChannelTests
{
    [Fact]
    public async Task The_file_channel_numbers_actions_after_those_already_there_and_rewrites_the_document()
    {
        using var dir = new TempDir();
        var path = dir.File("control.json");
        var earlier = new ControlAction("a1", ControlVerb.ReduceLr, "loss spikes", DateTimeOffset.UnixEpoch, "RL0304", Factor: 0.5);
        ControlDocument.Empty("r1").With(earlier).WriteTo(path);

        var channel = new FileControlChannel(path, "r1");
        var issued = await channel.IssueAsync(new ControlAction("", ControlVerb.Stop, "the loss diverged", DateTimeOffset.UtcNow, "RL0105", "Loss became NaN", 420), default);
        Assert.Equal("a2", issued.Id);

        var doc = ControlDocument.Parse(await File.ReadAllTextAsync(path));
        Assert.Equal(["a1", "a2"], doc.Actions.Select(a => a.Id));
        Assert.Equal(0.5, doc.Actions[0].Factor);
        Assert.Equal(ControlVerb.Stop, doc.Actions[1].Action);
        Assert.Equal(420, doc.Actions[1].Step);
        Assert.False(File.Exists(path + ".tmp"));

        var e = ControlEvents.Of(issued);
        Assert.Equal(RunEventKind.Control, e.Kind);
        Assert.Equal("control a2: stop: the loss diverged (finding RL0105: Loss became NaN)", e.Message);
        Assert.Equal(420, e.Step);
    }

    [Fact]
    public async Task A_file_that_is_not_a_control_document_is_not_overwritten()
    {
        using var dir = new TempDir();
        var path = dir.File("control.json");
        await File.WriteAllTextAsync(path, "{\"mine\": true}");
        var ex = await Assert.ThrowsAsync<IOException>(() => new FileControlChannel(path, "r").IssueAsync(
            new ControlAction("", ControlVerb.Stop, "x", DateTimeOffset.UtcNow), default));
        Assert.Contains("is not a control document", ex.Message, StringComparison.Ordinal);
        Assert.Equal("{\"mine\": true}", await File.ReadAllTextAsync(path));
    }

    [Fact]
    public async Task An_action_that_cannot_be_published_is_a_warning_and_the_watch_goes_on()
    {
        using var dir = new TempDir();
        var path = dir.File("control.json");
        await File.WriteAllTextAsync(path, "{\"mine\": true}");
        var output = new StringWriter();
        var monitor = new Runlens.Live.Watch.LiveMonitor(output, json: false)
        {
            Control = new FileControlChannel(path, "r"),
            Decide = (_, _) => Task.FromResult<IReadOnlyList<ControlAction>>([new ControlAction("", ControlVerb.Stop, "diverged", DateTimeOffset.UtcNow, "RL0107")]),
        };
        var run = new RunBuilder().Series("train/loss", 10, 1, 2, 3).Build();
        var diagnosis = new Runlens.Analysis.Diagnoses.Diagnoser().Diagnose(run);
        await monitor.HandleAsync(new Runlens.Live.Watch.WatchCycle(diagnosis, true, [], [], DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, TimeSpan.Zero, null), default);
        Assert.Contains("warning: the stop action for RL0107 could not be published: ", output.ToString(), StringComparison.Ordinal);
        Assert.Empty(monitor.Actions);
        Assert.Empty(monitor.Events);
    }
}

using System.Globalization;
using System.Text;
using Runlens.Live.Watch;
using Runlens.Model;
using Runlens.Pipeline.Sources;
using Runlens.Tests.Support;

namespace Runlens.Tests.Live.Watch;

/// <summary>The watcher over a real JSONL log that the test grows turn by turn, as a trainer would.</summary>
public sealed class RunWatcherTests
{
    /// <summary>Train loss falls all along; validation loss (every 10 steps) falls to its minimum at step 150, then rises.</summary>
    private static string Lines(int from, int to)
    {
        var b = new StringBuilder();
        for (var i = from; i <= to; i++)
        {
            var loss = 2.0 / (1 + (i / 20.0));
            b.Append(CultureInfo.InvariantCulture, $"{{\"step\": {i}, \"loss\": {loss:R}");
            if (i % 10 == 0)
            {
                var val = (1.0 / (1 + (i / 30.0))) + (i < 150 ? 0 : (i - 150) * 0.004);
                b.Append(CultureInfo.InvariantCulture, $", \"eval_loss\": {val:R}");
            }

            b.Append("}\n");
        }

        return b.ToString();
    }

    [Fact]
    public async Task Each_new_finding_is_reported_once_as_it_appears_and_an_unchanged_log_is_not_diagnosed_again()
    {
        using var dir = new TempDir();
        var log = dir.File("metrics.jsonl");
        await File.WriteAllTextAsync(log, Lines(1, 140));
        var cycles = new List<WatchCycle>();
        var watcher = new RunWatcher(new PathRunSource(log)).OnCycle((c, _) => { cycles.Add(c); return Task.CompletedTask; });

        var first = await watcher.TurnAsync();
        Assert.True(first.Changed);
        Assert.Equal(140, first.LastStep);
        Assert.DoesNotContain(first.NewFindings, f => f.RuleId == "RL0101");

        var same = await watcher.TurnAsync();
        Assert.False(same.Changed); // nothing was written: no import, no diagnosis
        Assert.Empty(same.NewFindings);
        Assert.Same(first.Diagnosis, same.Diagnosis);

        // validation loss rises from step 150 on: overfitting appears, once
        await File.AppendAllTextAsync(log, Lines(141, 250));
        var rising = await watcher.TurnAsync();
        Assert.Equal(250, rising.LastStep);
        var overfitting = Assert.Single(rising.NewFindings, f => f.RuleId == "RL0101");
        Assert.Contains("val/loss", overfitting.SeriesKeys);
        Assert.Contains("minimum 0.1667 at step 150", overfitting.Title, StringComparison.Ordinal);

        await File.AppendAllTextAsync(log, Lines(251, 300));
        var more = await watcher.TurnAsync();
        Assert.True(more.Changed);
        Assert.DoesNotContain(more.NewFindings, f => f.RuleId == "RL0101"); // still there, not reported again
        Assert.Contains(more.Diagnosis!.Findings, f => f.RuleId == "RL0101");
        Assert.Equal(4, cycles.Count);
    }

    [Fact]
    public async Task A_line_still_being_written_is_left_for_the_next_look_not_reported_as_damage()
    {
        using var dir = new TempDir();
        var log = dir.File("metrics.jsonl");
        await File.WriteAllTextAsync(log, Lines(1, 50) + "{\"step\": 51, \"lo");
        var watcher = new RunWatcher(new PathRunSource(log));
        var cycle = await watcher.TurnAsync();
        Assert.Equal(50, cycle.LastStep);
        Assert.DoesNotContain(cycle.Diagnosis!.Run.Events, e => e.Kind == RunEventKind.ImportDamage);

        await File.AppendAllTextAsync(log, "ss\": 0.5}\n");
        cycle = await watcher.TurnAsync();
        Assert.Equal(51, cycle.LastStep);
        Assert.Equal(0.5, cycle.Diagnosis!.Run.Get("train/loss")!.Last.Value);
    }

    [Fact]
    public async Task A_log_not_written_yet_is_waited_for_and_the_reason_is_said_once()
    {
        using var dir = new TempDir();
        var log = dir.File("trainer_state.json");
        await File.WriteAllTextAsync(log, "{\"log_history\": [{\"step\": 1, \"lo"); // the trainer is rewriting it
        var watcher = new RunWatcher(new PathRunSource(log));
        var broken = await watcher.TurnAsync();
        Assert.Null(broken.Diagnosis);
        Assert.NotNull(broken.Problem);
        Assert.Contains("trainer_state.json", broken.Problem, StringComparison.Ordinal);
        Assert.Null((await watcher.TurnAsync()).Problem); // the same reason is not said again

        await File.WriteAllTextAsync(log, "{\"global_step\": 2, \"log_history\": [{\"step\": 1, \"loss\": 2.0}, {\"step\": 2, \"loss\": 1.5}]}");
        var read = await watcher.TurnAsync();
        Assert.True(read.Changed);
        Assert.Equal(2, read.Diagnosis!.Run.Get("train/loss")!.Count);
    }

    [Fact]
    public async Task The_trainer_log_is_discovered_once_written_and_the_watch_stops_when_asked()
    {
        using var dir = new TempDir();
        var source = PathRunSource.Discover([dir.Path], DateTimeOffset.UtcNow.AddSeconds(-5));
        var watcher = new RunWatcher(source, options: new WatchOptions(TimeSpan.FromMilliseconds(50)));
        var turns = 0;
        var writer = Task.Run(async () =>
        {
            await Task.Delay(300);
            await File.WriteAllTextAsync(Path.Combine(dir.Path, "metrics.jsonl"), Lines(1, 30));
        });
        var last = await watcher.RunAsync(c => ++turns > 400 || c.LastStep == 30);
        await writer;
        Assert.NotNull(last);
        Assert.Equal(Path.Combine(dir.Path, "metrics.jsonl"), source.Path);
        Assert.Equal(30, last.Run.Get("train/loss")!.Count);
    }

    [Fact]
    public async Task A_tensorboard_file_cut_in_the_middle_of_a_record_is_read_up_to_it_and_completed_on_the_next_look()
    {
        using var dir = new TempDir();
        var file = dir.File("events.out.tfevents.1700000000.host.1.0");
        var w = new Runlens.Import.TensorBoard.TensorBoardEventWriter();
        for (var i = 0; i < 20; i++)
        {
            w.Scalar("train_loss", i * 10, 1.0f / (i + 1), 1_700_000_000 + i);
        }

        var whole = w.ToArray();
        var cut = whole.Length - 9; // the trainer is in the middle of writing its last record
        await File.WriteAllBytesAsync(file, whole[..cut]);
        var watcher = new RunWatcher(new PathRunSource(dir.Path));
        var first = await watcher.TurnAsync();
        Assert.Equal(180, first.LastStep);
        Assert.DoesNotContain(first.Diagnosis!.Run.Events, e => e.Kind == RunEventKind.ImportDamage);

        await using (var f = new FileStream(file, FileMode.Append))
        {
            await f.WriteAsync(whole.AsMemory(cut));
        }

        var second = await watcher.TurnAsync();
        Assert.Equal(190, second.LastStep);
        Assert.Equal(20, second.Diagnosis!.Run.Get("train/loss")!.Count);
    }

    [Fact]
    public async Task Stopping_in_the_middle_of_a_read_ends_the_watch_quietly()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var last = await new RunWatcher(new HangingSource()).RunAsync(null, stop.Token);
        Assert.Null(last);
    }

    /// <summary>A source whose read only ends when it is cancelled (a slow store, a huge log).</summary>
    private sealed class HangingSource : IRunSource
    {
        public string Description => "hanging";

        public async Task<SourceRead> ReadAsync(CancellationToken cancellationToken)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return SourceRead.Unchanged;
        }
    }
}

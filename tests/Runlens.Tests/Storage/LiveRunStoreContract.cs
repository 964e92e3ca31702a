using Runlens.Model;
using Runlens.Storage;
using Runlens.Storage.Sql;
using Runlens.Tests.Support;

namespace Runlens.Tests.Storage;

/// <summary>Runs that arrive live (created empty, then changed in batches), on every backend.</summary>
public sealed class LiveRunStoreContract
{
    public static TheoryData<string> Backends() => RunStoreContract.Backends();

    private static async Task<SqlRunStore> OpenAsync(string backend, TempDir dir) => (SqlRunStore)await RunStoreContract.OpenAsync(backend, dir);

    private static NewRun Fresh(string id, string? experiment = "live-exp") => new(id, id + "-name", experiment, "api", DateTimeOffset.FromUnixTimeMilliseconds(1_795_344_886_506), "root");

    private static List<SeriesPoint> Points(int from, int count, double wallStart = 1_795_344_886.0) =>
        [.. Enumerable.Range(from, count).Select(i => new SeriesPoint(i, 2.0 / (1 + i), double.NaN, wallStart + i))];

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Batches_appended_and_retried_are_stored_once_in_order(string backend)
    {
        using var dir = new TempDir();
        await using var store = await OpenAsync(backend, dir);
        await store.CreateRunAsync(Fresh("r1"));
        var expected = Points(0, 2_500);
        long added = 0;
        for (var offset = 0; offset < expected.Count; offset += 300)
        {
            var batch = expected.Skip(offset).Take(300).ToList();
            added += await store.ApplyAsync("r1", new RunChanges { Points = [new MetricPoints("loss", batch)] });
            Assert.Equal(0, await store.ApplyAsync("r1", new RunChanges { Points = [new MetricPoints("loss", batch)] })); // a client retry
        }

        Assert.Equal(2_500, added);
        // an old batch retried late, mixed with new points, stores only the new ones
        Assert.Equal(10, await store.ApplyAsync("r1", new RunChanges { Points = [new MetricPoints("loss", [.. expected.Take(50), .. Points(2_500, 10)])] }));
        var back = (await store.ReadSeriesAsync("r1", "train/loss"))!;
        Assert.Equal("loss", back.OriginalName);
        Assert.Equal(Points(0, 2_510), back.Points.ToList());
        var record = (await store.GetRecordAsync("r1"))!;
        Assert.Equal(new LatestMetric(2.0 / 2_510, 2_509, 1_795_344_886_000 + (2_509 * 1000)) { Key = "train/loss" }, record.Metrics["loss"]);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Many_small_appends_are_merged_into_full_chunks_and_read_back_in_order(string backend)
    {
        // 3,000 one-point appends to each of three metrics (an MLflow client logging every step), every tenth retried.
        using var dir = new TempDir();
        await using var store = await OpenAsync(backend, dir);
        await store.CreateRunAsync(Fresh("small"));
        var expected = Points(0, 3_000);
        for (var i = 0; i < expected.Count; i++)
        {
            var changes = new RunChanges { Points = [.. ((string[])["loss", "grad_norm", "learning_rate"]).Select(n => new MetricPoints(n, [expected[i]]))] };
            Assert.Equal(3, await store.ApplyAsync("small", changes));
            if (i % 10 == 0)
            {
                Assert.Equal(0, await store.ApplyAsync("small", changes));
            }
        }

        foreach (var key in (string[])["train/loss", "train/grad_norm", "train/learning_rate"])
        {
            Assert.Equal(expected, (await store.ReadSeriesAsync("small", key))!.Points.ToList());
            var reduced = (await store.ReadSeriesAsync("small", key, 40))!.Points;
            Assert.Equal((0L, 2_999L), (reduced[0].Step, reduced[^1].Step));
            Assert.True(reduced.Zip(reduced.Skip(1)).All(p => p.Second.Step > p.First.Step));
            Assert.Contains(reduced, p => p.Value == expected.Max(x => x.Value));
        }

        Assert.Equal(9_000, Assert.Single(await store.ListRunsAsync(new RunQuery())).PointCount);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task A_thousand_metrics_per_append_then_a_large_append_keep_every_point_once_in_order(string backend)
    {
        // An MLflow log-batch of 1,000 different metrics at each step (small appends go to the run's pending log), some
        // retried, then one large append to one metric (the log is moved into the chunks first).
        using var dir = new TempDir();
        await using var store = await OpenAsync(backend, dir);
        await store.CreateRunAsync(Fresh("wide"));
        var names = Enumerable.Range(0, 1000).Select(k => $"layer_{k}/grad_norm").ToList();
        for (var step = 0; step < 40; step++)
        {
            var point = Points(step, 1);
            var changes = new RunChanges { Points = [.. names.Select(n => new MetricPoints(n, point))] };
            Assert.Equal(1000, await store.ApplyAsync("wide", changes));
            if (step % 7 == 3)
            {
                Assert.Equal(0, await store.ApplyAsync("wide", changes));
            }
        }

        Assert.Equal(5_000, await store.ApplyAsync("wide", new RunChanges { Points = [new MetricPoints(names[0], Points(40, 5_000))] }));
        Assert.Equal(Points(0, 5_040), (await store.ReadSeriesAsync("wide", names[0]))!.Points.ToList());
        Assert.Equal(Points(0, 40), (await store.ReadSeriesAsync("wide", names[999]))!.Points.ToList());
        var record = (await store.GetRecordAsync("wide"))!;
        Assert.Equal(1000, record.Metrics.Count);
        Assert.Equal((5_039L, 39L), (record.Metrics[names[0]].Step, record.Metrics[names[500]].Step));
        Assert.Equal(1000 * 40 + 5000, Assert.Single(await store.ListRunsAsync(new RunQuery())).PointCount);

        // more small appends after the large one, read through the run as the analysis reads it
        await store.ApplyAsync("wide", new RunChanges { Points = [.. names.Select(n => new MetricPoints(n, Points(9_000, 1)))] });
        var run = (await store.GetRunAsync("wide"))!;
        Assert.Equal(5_041, run.Series.Values.Single(s => s.OriginalName == names[0]).Count);
        Assert.Equal(9_000, run.Series.Values.Single(s => s.OriginalName == names[1]).Last.Step);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task A_repeated_step_with_a_new_time_is_a_new_point_and_latest_follows_the_highest_step(string backend)
    {
        // A run resumed from a checkpoint logs steps 5..9 again, later.
        using var dir = new TempDir();
        await using var store = await OpenAsync(backend, dir);
        await store.CreateRunAsync(Fresh("r2"));
        await store.ApplyAsync("r2", new RunChanges { Points = [new MetricPoints("eval/loss", Points(0, 10))] });
        Assert.Equal(5, await store.ApplyAsync("r2", new RunChanges { Points = [new MetricPoints("eval/loss", Points(5, 5, 1_795_400_000.0))] }));
        var back = (await store.ReadSeriesAsync("r2", "val/loss"))!;
        Assert.Equal(15, back.Count);
        Assert.Equal(9, (await store.GetRecordAsync("r2"))!.Metrics["eval/loss"].Step);
        Assert.Equal(1_795_400_009_000, (await store.GetRecordAsync("r2"))!.Metrics["eval/loss"].Timestamp);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task A_changed_param_is_refused_and_nothing_of_that_write_is_stored(string backend)
    {
        using var dir = new TempDir();
        await using var store = await OpenAsync(backend, dir);
        await store.CreateRunAsync(Fresh("r3"));
        await store.ApplyAsync("r3", new RunChanges { Params = new Dictionary<string, string> { ["lr"] = "0.01" } });
        Assert.Equal(0, await store.ApplyAsync("r3", new RunChanges { Params = new Dictionary<string, string> { ["lr"] = "0.01" } })); // the same value again is fine
        var ex = await Assert.ThrowsAsync<ParamConflictException>(() => store.ApplyAsync("r3", new RunChanges
        {
            Params = new Dictionary<string, string> { ["lr"] = "0.5" },
            Tags = new Dictionary<string, string> { ["t"] = "x" },
            Points = [new MetricPoints("loss", Points(0, 5))],
        }));
        Assert.Equal("Changing param values is not allowed. Param with key='lr' was already logged with value='0.01' for run ID='r3'. Attempted logging new value '0.5'.", ex.Message);
        var record = (await store.GetRecordAsync("r3"))!;
        Assert.Equal("0.01", record.Params["lr"]);
        Assert.Empty(record.Tags);
        Assert.Empty(record.Metrics);
        Assert.Null(await store.ReadSeriesAsync("r3", "train/loss"));
        await Assert.ThrowsAsync<RunNotFoundException>(() => store.ApplyAsync("nope", new RunChanges()));
        await Assert.ThrowsAsync<AlreadyExistsException>(() => store.CreateRunAsync(Fresh("r3")));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Tags_status_lifecycle_events_and_blobs_are_kept_and_the_run_analyses_like_an_imported_one(string backend)
    {
        using var dir = new TempDir();
        await using var store = await OpenAsync(backend, dir);
        await store.CreateRunAsync(Fresh("r4") with { Tags = new Dictionary<string, string> { ["mlflow.user"] = "root" } });
        await store.ApplyAsync("r4", new RunChanges
        {
            Tags = new Dictionary<string, string> { ["note"] = "hello" },
            Config = new Dictionary<string, string> { ["learning_rate"] = "3e-5", ["optim"] = "adamw" },
            Events = [new RunEvent(RunEventKind.Error, "CUDA out of memory", 40)],
            Blobs = [new RunBlob("predictions", "eval.jsonl", "{\"y_true\":1}\n"u8.ToArray())],
            Points = [new MetricPoints("eval_loss", Points(0, 3)), new MetricPoints("loss", Points(0, 3))],
        });
        await store.ApplyAsync("r4", new RunChanges { DeleteTags = ["note"], Status = RunStatus.Failed, EndTime = DateTimeOffset.FromUnixTimeMilliseconds(1_795_344_887_235) });
        await Assert.ThrowsAsync<RunNotFoundException>(() => store.ApplyAsync("r4", new RunChanges { DeleteTags = ["note"] }));

        var record = (await store.GetRecordAsync("r4"))!;
        Assert.Equal(new Dictionary<string, string> { ["mlflow.user"] = "root" }, record.Tags);
        Assert.Equal(RunStatus.Failed, record.Status);
        Assert.Equal(1_795_344_887_235, record.EndTime!.Value.ToUnixTimeMilliseconds());
        Assert.Equal("root", record.User);
        Assert.Equal("{\"y_true\":1}\n"u8.ToArray(), await store.GetBlobAsync("r4", "predictions", "eval.jsonl"));

        var run = (await store.GetRunAsync("r4"))!;
        Assert.Equal(["train/loss", "val/loss"], run.Series.Keys);
        Assert.Equal(3e-5, run.Config.Get("learning_rate")!.Value.Number);
        Assert.Equal("CUDA out of memory", Assert.Single(run.Events).Message);

        await store.ApplyAsync("r4", new RunChanges { Lifecycle = "deleted" });
        Assert.Empty(await store.ListRecordsAsync(new RecordQuery(["live-exp"])));
        Assert.Single(await store.ListRecordsAsync(new RecordQuery(["live-exp"], Active: false, Deleted: true)));
        Assert.Empty(await store.ListRunsAsync(new RunQuery()));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Experiments_are_created_found_renamed_and_deleted(string backend)
    {
        using var dir = new TempDir();
        await using var store = await OpenAsync(backend, dir);
        Assert.Equal(Experiment.DefaultName, (await store.GetExperimentAsync(Experiment.DefaultId))!.Name);
        var created = await store.CreateExperimentAsync("wire-demo", null, new Dictionary<string, string> { ["team"] = "a" });
        Assert.Matches("^[0-9]{18}$", created.Id);
        Assert.Equal("mlflow-artifacts:/" + created.Id, created.ArtifactLocation);
        await Assert.ThrowsAsync<AlreadyExistsException>(() => store.CreateExperimentAsync("wire-demo", null, new Dictionary<string, string>()));
        Assert.Equal(created.Id, (await store.GetExperimentAsync("wire-demo", byName: true))!.Id);

        await store.CreateRunAsync(Fresh("r5", "wire-demo"));
        await store.UpdateExperimentAsync(created.Id, name: "renamed", lifecycle: "deleted", tags: new Dictionary<string, string> { ["team"] = "b" });
        var back = (await store.GetExperimentAsync(created.Id))!;
        Assert.Equal(("renamed", "deleted", "b"), (back.Name, back.Lifecycle, back.Tags["team"]));
        Assert.Equal("renamed", (await store.GetRecordAsync("r5"))!.Experiment);
        Assert.Null(await store.GetExperimentAsync("wire-demo", byName: true));
        await Assert.ThrowsAsync<RunNotFoundException>(() => store.UpdateExperimentAsync("123"));

        // an imported run brings its experiment with it
        await store.SaveRunAsync(new RunBuilder().Series("train/loss", 1, 1.0, 0.5).Build() with { Identity = new RunIdentity("imp", "imp", "imported-exp", new RunSource("csv", "/tmp/x")) });
        Assert.NotNull(await store.GetExperimentAsync("imported-exp", byName: true));
        Assert.Equal(0.5, (await store.GetRecordAsync("imp"))!.Metrics["train/loss"].Value);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Thirty_two_concurrent_appenders_on_one_store_lose_and_duplicate_nothing(string backend)
    {
        // One store shared by 32 tasks (as the server shares it): each appends its own run and, with retries, one shared run.
        using var dir = new TempDir();
        await using var store = await OpenAsync(backend, dir);
        await store.CreateRunAsync(Fresh("shared"));
        await Task.WhenAll(Enumerable.Range(0, 32).Select(w => Task.Run(async () =>
        {
            await store.CreateRunAsync(Fresh($"w{w}"));
            for (var b = 0; b < 10; b++)
            {
                var mine = Points(b * 200, 200);
                await store.ApplyAsync($"w{w}", new RunChanges { Points = [new MetricPoints("loss", mine), new MetricPoints("grad_norm", mine)] });
                var shared = Points(((w * 10) + b) * 50, 50);
                await store.ApplyAsync("shared", new RunChanges { Points = [new MetricPoints("loss", shared)] });
                await store.ApplyAsync("shared", new RunChanges { Points = [new MetricPoints("loss", shared)] });
            }
        })));

        for (var w = 0; w < 32; w++)
        {
            Assert.Equal(Points(0, 2_000), (await store.ReadSeriesAsync($"w{w}", "train/loss"))!.Points.ToList());
        }

        var all = (await store.ReadSeriesAsync("shared", "train/loss"))!.Points;
        Assert.Equal(Points(0, 32 * 10 * 50), all.OrderBy(p => p.Step).ToList());
    }
}

using Runlens.Import;
using Runlens.Model;
using Runlens.Storage;
using Runlens.Tests.Support;

namespace Runlens.Tests.Storage;

/// <summary>What every run store does, whatever its backend: every test runs against each backend — SQLite always, the
/// real PostgreSQL that ./test.sh starts when <c>$RUNLENS_TEST_PG</c> is set.</summary>
public sealed class RunStoreContract
{
    public static TheoryData<string> Backends()
    {
        var data = new TheoryData<string> { "sqlite" };
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(PostgresFactAttribute.Variable)))
        {
            data.Add("postgres");
        }

        return data;
    }

    /// <summary>Says (as a skip reason) when the suite ran without PostgreSQL; with it, checks the server answers.</summary>
    [PostgresFact]
    public async Task PostgreSQL_is_there_for_the_contract_suite()
    {
        using var dir = new TempDir();
        await using var store = await OpenAsync("postgres", dir);
        Assert.Empty(await store.ListRunsAsync(new RunQuery()));
    }

    internal static async Task<IRunStore> OpenAsync(string backend, TempDir dir)
    {
        if (backend == "sqlite")
        {
            return await Runlens.Storage.Sqlite.SqliteRunStore.OpenAsync(Path.Combine(dir.Path, "runlens.db"));
        }

        // Each test gets its own schema in the test server's database, so tests never see each other's runs.
        var connection = Environment.GetEnvironmentVariable(PostgresFactAttribute.Variable)!;
        var schema = "t_" + Guid.NewGuid().ToString("N");
        await using (var admin = new Npgsql.NpgsqlConnection(connection))
        {
            await admin.OpenAsync();
            await using var cmd = admin.CreateCommand();
            cmd.CommandText = $"CREATE SCHEMA {schema}";
            await cmd.ExecuteNonQueryAsync();
        }

        var store = await Runlens.Storage.Postgres.PostgresRunStore.OpenAsync(connection + ";Search Path=" + schema);
        Schemas.Add(store, schema);
        return store;
    }

    /// <summary>Runs SQL on the store's database (its file, or its schema on the PostgreSQL server) beside the store.</summary>
    internal static async Task ExecuteAsync(string backend, IRunStore store, TempDir dir, string sql)
    {
        System.Data.Common.DbConnection connection = backend == "sqlite"
            ? new Microsoft.Data.Sqlite.SqliteConnection("Data Source=" + Path.Combine(dir.Path, "runlens.db"))
            : new Npgsql.NpgsqlConnection(Environment.GetEnvironmentVariable(PostgresFactAttribute.Variable) + ";Search Path=" + SearchPath(store));
        await using (connection)
        {
            await connection.OpenAsync();
            await using var cmd = connection.CreateCommand();
            cmd.CommandText = sql;
            await cmd.ExecuteNonQueryAsync();
        }
    }

    /// <summary>Closes the store and opens it again (the same file or schema), as a new process would.</summary>
    internal static async Task<IRunlensStore> ReopenAsync(string backend, IRunStore store, TempDir dir)
    {
        var schema = backend == "sqlite" ? null : SearchPath(store);
        await store.DisposeAsync();
        if (schema is null)
        {
            return await Runlens.Storage.Sqlite.SqliteRunStore.OpenAsync(Path.Combine(dir.Path, "runlens.db"));
        }

        var reopened = await Runlens.Storage.Postgres.PostgresRunStore.OpenAsync(Environment.GetEnvironmentVariable(PostgresFactAttribute.Variable) + ";Search Path=" + schema);
        Schemas.Add(reopened, schema);
        return reopened;
    }

    private static Run Sample(string id = "run-1", string? experiment = "exp") =>
        new RunBuilder().Series("train/loss", 10, 2.0, 1.5, double.NaN, double.PositiveInfinity, 0.9)
            .Series("val/accuracy", 50, 0.5, 0.7)
            .Config("learning_rate", 3e-5).Config("load_best_model_at_end", true)
            .Trainer(t => t with { BestMetricKey = "val/accuracy", GreaterIsBetter = true, GlobalStep = 50 })
            .Event(new RunEvent(RunEventKind.Warning, "a warning", 20))
            .Status(RunStatus.Finished)
            .Build() with { Identity = new RunIdentity(id, id + "-name", experiment, new RunSource("hf-trainer-state", "/tmp/x"), "parent-1") };

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task A_saved_run_reads_back_as_it_was_built(string backend)
    {
        using var dir = new TempDir();
        await using var store = await OpenAsync(backend, dir);
        var run = Sample();
        var saved = await store.SaveRunAsync(run);
        Assert.True(saved.NewRun);
        Assert.Equal(7, saved.PointsAdded);

        var back = (await store.GetRunAsync("run-1"))!;
        Assert.Equal(run.Identity with { Time = back.Identity.Time }, back.Identity);
        Assert.Equal(RunStatus.Finished, back.Status);
        Assert.Equal(run.Series.Keys, back.Series.Keys);
        foreach (var key in run.Series.Keys)
        {
            SamePoints(run.Series[key].Points, back.Series[key].Points);
            Assert.Equal(run.Series[key].OriginalName, back.Series[key].OriginalName);
        }

        Assert.Equal(3e-5, back.Config.Get("learning_rate")!.Value.Number);
        Assert.True(back.Config.Get("load_best_model_at_end")!.Value.Boolean);
        Assert.Equal("val/accuracy", back.Trainer.BestMetricKey);
        Assert.Equal("a warning", Assert.Single(back.Events).Message);
    }

    /// <summary>Point by point with the record's own equality (NaN equals NaN; xunit's collection comparer says otherwise).</summary>
    private static void SamePoints(System.Collections.Immutable.ImmutableArray<SeriesPoint> expected, System.Collections.Immutable.ImmutableArray<SeriesPoint> actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(expected[i].Equals(actual[i]), $"point {i}: {expected[i]} read back as {actual[i]}");
        }
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Saving_the_same_run_again_adds_nothing(string backend)
    {
        using var dir = new TempDir();
        await using var store = await OpenAsync(backend, dir);
        await store.SaveRunAsync(Sample());
        var again = await store.SaveRunAsync(Sample());
        Assert.False(again.NewRun);
        Assert.Equal(0, again.PointsAdded);
        Assert.Equal(7, Assert.Single(await store.ListRunsAsync(new RunQuery())).PointCount);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task A_run_saved_again_with_more_points_gains_only_the_new_ones(string backend)
    {
        // A run still writing: imported at 1,500 points, then again at 2,500.
        using var dir = new TempDir();
        await using var store = await OpenAsync(backend, dir);
        var values = RunBuilder.Falling(2500, 2, 0.5, 0.05);
        Run At(int n) => new RunBuilder().Series("train/loss", 1, values[..n]).Build() with { Identity = new RunIdentity("live", "live", null, new RunSource("csv", "/tmp/live")) };
        Assert.Equal(1500, (await store.SaveRunAsync(At(1500))).PointsAdded);
        Assert.Equal(1000, (await store.SaveRunAsync(At(2500))).PointsAdded);
        Assert.Equal(0, (await store.SaveRunAsync(At(1500))).PointsAdded); // an older, shorter copy never shrinks it
        SamePoints(At(2500).Series["train/loss"].Points, (await store.ReadSeriesAsync("live", "train/loss"))!.Points);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Runs_are_listed_by_experiment_and_name_with_paging(string backend)
    {
        using var dir = new TempDir();
        await using var store = await OpenAsync(backend, dir);
        await store.SaveRunAsync(Sample("a1", "alpha"));
        await store.SaveRunAsync(Sample("a2", "alpha"));
        await store.SaveRunAsync(Sample("b1", "beta"));
        Assert.Equal(2, (await store.ListRunsAsync(new RunQuery(Experiment: "alpha"))).Count);
        Assert.Equal(["b1"], (await store.ListRunsAsync(new RunQuery(NameContains: "B1"))).Select(r => r.Id));
        Assert.Single(await store.ListRunsAsync(new RunQuery(Limit: 1, Offset: 2)));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task A_run_is_found_by_its_unique_name_and_an_unknown_one_is_null(string backend)
    {
        using var dir = new TempDir();
        await using var store = await OpenAsync(backend, dir);
        await store.SaveRunAsync(Sample("r9"));
        Assert.Equal("r9", (await store.GetRunAsync("r9-name"))!.Identity.Id);
        Assert.Null(await store.GetRunAsync("nope"));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task A_downsampled_read_keeps_extremes_nans_and_ends(string backend)
    {
        using var dir = new TempDir();
        await using var store = await OpenAsync(backend, dir);
        var rng = new Random(3);
        var values = Enumerable.Range(0, 100_000).Select(i => 2 * Math.Exp(-i / 30_000.0) + (0.01 * rng.NextDouble())).ToArray();
        values[12_345] = 9.5;          // a one-point spike
        values[67_890] = -1;           // a one-point dip
        values[50_000] = double.NaN;   // a NaN
        var run = new RunBuilder().Series("train/loss", 1, values).Build() with { Identity = new RunIdentity("big", "big", null, new RunSource("csv", "/tmp/big")) };
        await store.SaveRunAsync(run);

        var full = (await store.ReadSeriesAsync("big", "train/loss"))!;
        Assert.Equal(100_000, full.Count);
        var small = (await store.ReadSeriesAsync("big", "train/loss", 1000))!;
        Assert.InRange(small.Count, 10, 1001);
        Assert.Contains(small.Points, p => p.Value == 9.5 && p.Step == 12_346);
        Assert.Contains(small.Points, p => p.Value == -1 && p.Step == 67_891);
        Assert.Contains(small.Points, p => double.IsNaN(p.Value) && p.Step == 50_001);
        Assert.Equal(1, small.First.Step);
        Assert.Equal(100_000, small.Last.Step);
        Assert.True(small.Points.Zip(small.Points.Skip(1)).All(p => p.Second.Step > p.First.Step));
        Assert.Null(await store.ReadSeriesAsync("big", "val/none"));
    }

    [SharedTheory]
    [MemberData(nameof(Backends))]
    public async Task Every_real_run_of_the_corpus_round_trips(string backend)
    {
        using var dir = new TempDir();
        await using var store = await OpenAsync(backend, dir);
        foreach (var folder in Directory.GetDirectories(Fixtures.SharedReal!).Where(d => !Path.GetFileName(d).StartsWith("predictions-", StringComparison.Ordinal)))
        {
            foreach (var run in (await ImporterCatalog.ImportAsync(folder)).Runs)
            {
                await store.SaveRunAsync(run);
                var back = (await store.GetRunAsync(run.Identity.Id))!;
                Assert.Equal(run.Series.Keys, back.Series.Keys);
                Assert.All(run.Series.Keys, k => SamePoints(run.Series[k].Points, back.Series[k].Points));
                Assert.Equal(run.Config.Count, back.Config.Count);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Thirty_two_concurrent_writers_lose_and_duplicate_nothing(string backend)
    {
        // 32 writers, each with its own connection: 4 runs of their own plus the same shared run (idempotency under contention).
        using var dir = new TempDir();
        IRunStore? first = null;
        var shared = Many("shared", 3, 2500);
        var connections = new List<IRunStore>();
        try
        {
            first = await OpenAsync(backend, dir);
            connections.Add(first);
            var spec = backend == "sqlite" ? Path.Combine(dir.Path, "runlens.db") : null;
            var search = backend == "postgres" ? SearchPath(first) : null;
            for (var w = 1; w < 32; w++)
            {
                connections.Add(spec is not null
                    ? await Runlens.Storage.Sqlite.SqliteRunStore.OpenAsync(spec)
                    : await Runlens.Storage.Postgres.PostgresRunStore.OpenAsync(Environment.GetEnvironmentVariable(PostgresFactAttribute.Variable) + ";Search Path=" + search));
            }

            await Task.WhenAll(connections.Select((store, w) => Task.Run(async () =>
            {
                for (var r = 0; r < 4; r++)
                {
                    await store.SaveRunAsync(Many($"w{w}-r{r}", 3, 2500));
                }

                await store.SaveRunAsync(shared);
            })));

            var runs = await first.ListRunsAsync(new RunQuery(Limit: 1000));
            Assert.Equal(32 * 4 + 1, runs.Count);
            Assert.All(runs, r => Assert.Equal(3 * 2500, r.PointCount));
            var back = (await first.GetRunAsync("shared"))!;
            SamePoints(shared.Series["train/loss"].Points, back.Series["train/loss"].Points);
        }
        finally
        {
            foreach (var c in connections)
            {
                await c.DisposeAsync();
            }
        }
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IRunStore, string> Schemas = new();

    private static string SearchPath(IRunStore store) => Schemas.TryGetValue(store, out var s) ? s : throw new InvalidOperationException("no schema recorded");

    private static Run Many(string id, int series, int points)
    {
        var b = new RunBuilder();
        string[] keys = ["train/loss", "train/grad_norm", "val/loss"];
        for (var k = 0; k < series; k++)
        {
            b.Series(keys[k], 1, RunBuilder.Falling(points, 2 + k, 0.5, 0.05, seed: id.GetHashCode(StringComparison.Ordinal) + k));
        }

        return b.Build() with { Identity = new RunIdentity(id, id, "concurrency", new RunSource("csv", "/tmp/" + id)) };
    }
}

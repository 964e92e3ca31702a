using System.Globalization;
using System.Text;
using Runlens.Model;
using Runlens.Storage;
using Runlens.Storage.Search;
using Runlens.Tests.Support;

namespace Runlens.Tests.Storage;

/// <summary>
/// Run search executed by the store (<see cref="IRunSearch"/>), on every backend: what it selects and in which order is
/// checked against the in-memory filter and order (<see cref="RunFilter"/>, <see cref="RunOrder"/> over
/// <see cref="ILiveRunStore.ListRecordsAsync"/>), an independent implementation of MLflow's semantics, on randomised
/// stores; then the metric vocabulary, page tokens under inserts, unknown names and the index's upkeep.
/// </summary>
public sealed class RunSearchContract
{
    private static readonly string[] MetricNames =
        ["eval_loss", "val_loss", "validation/loss", "val/loss", "loss", "train_loss", "accuracy", "eval_accuracy", "validation/epoch_loss", "f1"];

    private static readonly string[] SearchedMetrics =
        [.. MetricNames, "train/loss", "val/accuracy", "val/epoch_loss", "no_such_metric", "val/f1"];

    private static readonly double[] Values = [0.1, 0.25, 0.5, 0.5, 1.0, 2.0, double.NaN, double.PositiveInfinity, double.NegativeInfinity, 0.75];

    private static readonly string[] ParamKeys = ["lr", "optimizer", "batch_size", "note é"];

    private static readonly string[] ParamValues = ["0.001", "1e-4", "adamw", "AdamW", "sgd", "32", "64", "a%b", "x_y", "a\\b", "Éclair-é"];

    private static readonly string[] TagKeys = ["team", "mlflow.user", "phase"];

    private static readonly string[] TagValues = ["nlp", "NLP", "vision", "a_b", "100%", "ab"];

    private static readonly string[] Patterns = ["%w", "adam%", "_dam_", "%\\%%", "x\\_y", "%É%", "%é%", "a%", "%", "A%", "%b", "n_p", "a\\\\b"];

    private static readonly string[] Prefixes = ["sweep", "Sweep", "base", "éclair", "run_x", "Éclair"];

    public static TheoryData<string> Backends() => RunStoreContract.Backends();

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Search_selects_and_orders_runs_as_the_in_memory_filter_and_order_do_on_random_stores(string backend)
    {
        foreach (var seed in new[] { 11, 22, 33 })
        {
            using var dir = new TempDir();
            await using var store = (IRunlensStore)await RunStoreContract.OpenAsync(backend, dir);
            var random = new Random(seed);
            var ids = await FillAsync(store, random, 70);
            var all = await store.ListRecordsAsync(new RecordQuery(null, Active: true, Deleted: true));
            Assert.Equal(70, all.Count);
            for (var q = 0; q < 70; q++)
            {
                var search = new RunSearch
                {
                    Filter = RandomFilter(random, ids),
                    OrderBy = RandomOrder(random),
                    Experiments = random.Next(4) switch { 0 => ["exp-a"], 1 => [Experiment.DefaultName, "exp-b"], _ => null },
                    Active = random.Next(5) != 0,
                    Deleted = random.Next(3) == 0,
                    Status = random.Next(6) == 0 ? (RunStatus)random.Next(5) : null,
                    NameContains = random.Next(6) == 0 ? Pick(random, ["sweep", "EEP-1", "_x-", "3"]) : null,
                    PageSize = 1 + random.Next(12),
                    StrictNames = false,
                };
                var expected = Expected(all, search).Select(r => r.Id).ToList();
                // every other query walks the order instead of starting from the filter (where the database lets the search choose)
                ((Runlens.Storage.Sql.SqlRunStore)store).ChooseDriver = q % 2 == 0;
                var what = $"seed {seed}, query {q}: filter [{search.Filter}] order [{string.Join(", ", search.OrderBy)}]";

                // every page, each after the one before
                var got = new List<string>();
                var page = await store.SearchRunsAsync(search with { CountTotal = true });
                Assert.True(expected.Count == page.Total, $"{what}: total {page.Total}, expected {expected.Count}");
                got.AddRange(page.Runs.Select(r => r.Id));
                while (page.NextPageToken is { } token)
                {
                    Assert.Equal(search.PageSize, page.Runs.Count);
                    page = await store.SearchRunsAsync(search with { PageToken = token });
                    got.AddRange(page.Runs.Select(r => r.Id));
                }

                Assert.True(expected.SequenceEqual(got), $"{what}\nexpected {string.Join(",", expected)}\ngot      {string.Join(",", got)}");

                // a page by number
                var offset = random.Next(expected.Count + 2);
                var numbered = await store.SearchRunsAsync(search with { Offset = offset });
                Assert.Equal(expected.Skip(offset).Take(search.PageSize), numbered.Runs.Select(r => r.Id));
                Assert.Equal(offset + search.PageSize < expected.Count, numbered.NextPageToken is not null);
            }

            // what a page holds of each run is what the run holds
            var listed = (await store.SearchRunsAsync(new RunSearch { Active = true, Deleted = true, PageSize = 100 })).Runs;
            foreach (var run in listed)
            {
                var known = all.Single(r => r.Id == run.Id);
                Assert.Equal(known with { Params = run.Params, Tags = run.Tags, Metrics = run.Metrics }, run);
                Assert.Equal(known.Params.OrderBy(p => p.Key, StringComparer.Ordinal), run.Params.OrderBy(p => p.Key, StringComparer.Ordinal));
                Assert.Equal(known.Tags.OrderBy(p => p.Key, StringComparer.Ordinal), run.Tags.OrderBy(p => p.Key, StringComparer.Ordinal));
                Assert.Equal(known.Metrics.OrderBy(p => p.Key, StringComparer.Ordinal), run.Metrics.OrderBy(p => p.Key, StringComparer.Ordinal));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task A_metric_name_finds_runs_that_logged_it_under_another_spelling_of_its_key(string backend)
    {
        using var dir = new TempDir();
        await using var store = (IRunlensStore)await RunStoreContract.OpenAsync(backend, dir);
        await LiveAsync(store, "hf", ("eval_loss", 0.4));
        await LiveAsync(store, "keras", ("val_loss", 0.3));
        await LiveAsync(store, "tb", ("validation/loss", 0.6));
        await LiveAsync(store, "both", ("eval_loss", 0.2), ("val_loss", 0.9));
        await LiveAsync(store, "train-only", ("loss", 0.1));

        async Task<string[]> Ids(string filter, params string[] order) =>
            [.. (await store.SearchRunsAsync(new RunSearch { Filter = filter, OrderBy = order })).Runs.Select(r => r.Id)];

        // the normalised key: every run's validation loss, whatever it was logged as ("both" logged eval_loss first)
        Assert.Equal(["both", "keras", "hf", "tb"], await Ids("metrics.\"val/loss\" < 1", "metrics.\"val/loss\" ASC"));
        // a logged name: that metric where the run logged it, else the run's metric of the same key
        Assert.Equal(["keras", "hf", "tb", "both"], await Ids("metrics.val_loss < 1", "metrics.val_loss ASC"));
        Assert.Equal(["both", "keras", "hf", "tb"], await Ids("metrics.eval_loss < 1", "metrics.eval_loss ASC"));
        Assert.Equal(["both"], await Ids("metrics.val_loss > 0.8"));
        // a bare name is not given a split
        Assert.Equal(["train-only"], await Ids("metrics.loss < 1"));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Pages_go_on_after_the_last_run_shown_while_runs_are_stored(string backend)
    {
        using var dir = new TempDir();
        await using var store = (IRunlensStore)await RunStoreContract.OpenAsync(backend, dir);
        for (var i = 0; i < 10; i++)
        {
            await LiveAsync(store, $"r{i}", ("eval_loss", 0.1 * (i + 1)));
        }

        var search = new RunSearch { Filter = "metrics.eval_loss < 5", OrderBy = ["metrics.eval_loss ASC"], PageSize = 4 };
        var first = await store.SearchRunsAsync(search);
        Assert.Equal(["r0", "r1", "r2", "r3"], first.Runs.Select(r => r.Id));

        // runs that sort before, among and after the next page arrive
        await LiveAsync(store, "early", ("eval_loss", 0.05));
        await LiveAsync(store, "middle", ("eval_loss", 0.55));
        await LiveAsync(store, "late", ("eval_loss", 3.0));
        var second = await store.SearchRunsAsync(search with { PageToken = first.NextPageToken });
        Assert.Equal(["r4", "middle", "r5", "r6"], second.Runs.Select(r => r.Id));
        var third = await store.SearchRunsAsync(search with { PageToken = second.NextPageToken });
        Assert.Equal(["r7", "r8", "r9", "late"], third.Runs.Select(r => r.Id));
        Assert.Null(third.NextPageToken);

        // a token belongs to its search; a broken one says so; MLflow's own {"offset": n} tokens page by number
        var other = await Assert.ThrowsAsync<SearchSyntaxException>(() => store.SearchRunsAsync(search with { Filter = "metrics.eval_loss < 4", PageToken = first.NextPageToken }));
        Assert.Contains("belongs to another search", other.Message, StringComparison.Ordinal);
        var broken = await Assert.ThrowsAsync<SearchSyntaxException>(() => store.SearchRunsAsync(search with { PageToken = "not a token" }));
        Assert.Equal("Invalid page token, could not base64-decode or parse it: 'not a token'", broken.Message);
        var mlflow = await store.SearchRunsAsync(search with { PageToken = Convert.ToBase64String(Encoding.UTF8.GetBytes("{\"offset\": 2}")) });
        Assert.Equal(["r1", "r2", "r3", "r4"], mlflow.Runs.Select(r => r.Id));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task A_name_no_stored_run_has_is_an_error_that_lists_the_names_there_are(string backend)
    {
        using var dir = new TempDir();
        await using var store = (IRunlensStore)await RunStoreContract.OpenAsync(backend, dir);
        await LiveAsync(store, "a", ("eval_loss", 0.4), ("eval_accuracy", 0.8));
        await store.ApplyAsync("a", new RunChanges { Params = new Dictionary<string, string> { ["learning_rate"] = "0.1" }, Tags = new Dictionary<string, string> { ["team"] = "nlp" } });

        var metric = await Assert.ThrowsAsync<SearchSyntaxException>(() => store.SearchRunsAsync(new RunSearch { Filter = "metrics.val_los < 1" }));
        Assert.Equal("metrics.val_los: no stored run has a metric named 'val_los' (nor 'val/los'); the metrics are: eval_accuracy, eval_loss, val/accuracy, val/loss.", metric.Message);
        var param = await Assert.ThrowsAsync<SearchSyntaxException>(() => store.SearchRunsAsync(new RunSearch { OrderBy = ["params.lr DESC"] }));
        Assert.Equal("params.lr: no stored run has a parameter named 'lr'; the parameters are: learning_rate.", param.Message);
        var tag = await Assert.ThrowsAsync<SearchSyntaxException>(() => store.SearchRunsAsync(new RunSearch { Filter = "tags.\"mlflow.user\" = 'x'" }));
        Assert.Equal("tags.\"mlflow.user\": no stored run has a tag named 'mlflow.user'; the tags are: team.", tag.Message);

        // MLflow's way: nothing matches
        Assert.Empty((await store.SearchRunsAsync(new RunSearch { Filter = "metrics.val_los < 1", StrictNames = false })).Runs);

        // many names: the closest
        await store.ApplyAsync("a", new RunChanges { Points = [.. Enumerable.Range(0, 20).Select(i => new MetricPoints($"extra_{i}", [new SeriesPoint(1, 1, double.NaN, 1)]))] });
        var many = await Assert.ThrowsAsync<SearchSyntaxException>(() => store.SearchRunsAsync(new RunSearch { Filter = "metrics.eval_los < 1" }));
        Assert.StartsWith("metrics.eval_los: no stored run has a metric named 'eval_los' (nor 'val/los'); the closest are: eval_loss, val/loss, ", many.Message, StringComparison.Ordinal);
        Assert.EndsWith("(44 metrics in all).", many.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task New_points_and_new_metrics_are_searchable_at_once(string backend)
    {
        using var dir = new TempDir();
        await using var store = (IRunlensStore)await RunStoreContract.OpenAsync(backend, dir);
        await LiveAsync(store, "a", ("val_loss", 0.9));
        await LiveAsync(store, "b", ("val_loss", 0.5));
        async Task<string[]> Ids(string filter, string order) =>
            [.. (await store.SearchRunsAsync(new RunSearch { Filter = filter, OrderBy = [order] })).Runs.Select(r => r.Id)];

        Assert.Equal(["b", "a"], await Ids("metrics.val_loss < 1", "metrics.val_loss ASC"));
        // small appends wait in the run's pending log: a search sees them
        for (var step = 2; step < 6; step++)
        {
            await store.ApplyAsync("a", new RunChanges { Points = [new MetricPoints("val_loss", [new SeriesPoint(step, 0.9 - (0.2 * step), double.NaN, step)])] });
        }

        Assert.Equal(["a", "b"], await Ids("metrics.val_loss < 1", "metrics.val_loss ASC"));
        Assert.Equal(0.9 - 1.0, (await store.SearchRunsAsync(new RunSearch { Filter = "metrics.val_loss < 0" })).Runs.Single().Metrics["val_loss"].Value, 12);

        // a run that starts logging eval_loss too: val_loss stays what it logged, eval_loss is its own
        await store.ApplyAsync("b", new RunChanges { Points = [new MetricPoints("eval_loss", [new SeriesPoint(9, 0.05, double.NaN, 9)])] });
        Assert.Equal(["b"], await Ids("metrics.eval_loss > 0", "metrics.eval_loss ASC"));
        Assert.Equal(["a", "b"], await Ids("metrics.eval_loss < 0.1", "metrics.eval_loss ASC")); // a has no eval_loss: its val/loss
        Assert.Equal(["a", "b"], await Ids("metrics.val_loss < 1", "metrics.val_loss ASC"));
        // NaN: != matches it, an order puts it after every value
        await store.ApplyAsync("b", new RunChanges { Points = [new MetricPoints("val_loss", [new SeriesPoint(10, double.NaN, double.NaN, 10)])] });
        Assert.Equal(["a", "b"], await Ids("metrics.val_loss != 7", "metrics.val_loss DESC"));
        Assert.Equal(["a"], await Ids("metrics.val_loss < 7", "metrics.val_loss DESC"));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task A_store_written_before_search_was_in_the_store_is_searchable_once_opened(string backend)
    {
        using var dir = new TempDir();
        var store = (IRunlensStore)await RunStoreContract.OpenAsync(backend, dir);
        await LiveAsync(store, "old-1", ("eval_loss", 0.3));
        await LiveAsync(store, "old-2", ("eval_loss", 0.2));
        var before = (await store.SearchRunsAsync(new RunSearch { Filter = "metrics.val_loss < 1", OrderBy = ["attributes.start_time ASC"] })).Runs.Select(r => r.Id).ToList();
        Assert.Equal(["old-1", "old-2"], before);

        // what an older store lacks: the metric index, the times in milliseconds, the mark that they were filled
        await RunStoreContract.ExecuteAsync(backend, store, dir, "DELETE FROM run_metrics; DELETE FROM meta; UPDATE runs SET start_ms = NULL, end_ms = NULL");
        var reopened = await RunStoreContract.ReopenAsync(backend, store, dir);
        await using (reopened)
        {
            Assert.Equal(before, (await reopened.SearchRunsAsync(new RunSearch { Filter = "metrics.val_loss < 1", OrderBy = ["attributes.start_time ASC"] })).Runs.Select(r => r.Id));
        }
    }

    /// <summary>The oracle: every stored run through the in-memory filter and order.</summary>
    private static List<RunRecord> Expected(IReadOnlyList<RunRecord> all, RunSearch search)
    {
        var filter = RunFilter.Parse(search.Filter);
        var order = RunOrder.Parse(search.OrderBy);
        return [.. all
            .Where(r => r.Lifecycle == "deleted" ? search.Deleted : search.Active)
            .Where(r => search.Experiments is null || search.Experiments.Contains(r.Experiment ?? Experiment.DefaultName))
            .Where(r => search.Status is null || r.Status == search.Status)
            .Where(r => search.NameContains is null || r.Name.Contains(search.NameContains, StringComparison.OrdinalIgnoreCase) || r.Id.Contains(search.NameContains, StringComparison.OrdinalIgnoreCase))
            .Where(filter.Matches)
            .Order(order)];
    }

    private static async Task LiveAsync(IRunlensStore store, string id, params (string Name, double Value)[] metrics)
    {
        await store.CreateRunAsync(new NewRun(id, id, "exp", "api", DateTimeOffset.FromUnixTimeMilliseconds(1_000_000 + (id.Length * 1000) + id[^1])));
        await store.ApplyAsync(id, new RunChanges { Points = [.. metrics.Select(m => new MetricPoints(m.Name, [new SeriesPoint(1, m.Value, double.NaN, 1)]))] });
    }

    /// <summary>Runs, some imported and some live, with names, params, tags and metrics drawn to collide: equal values,
    /// NaN and infinities, several spellings of one key in one run, runs without a start time, deleted runs.</summary>
    private static async Task<List<string>> FillAsync(IRunlensStore store, Random random, int count)
    {
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var id = $"{Pick(random, ["r", "R", "x"])}{i:000}";
            ids.Add(id);
            var name = $"{Pick(random, Prefixes)}-{random.Next(20)}";
            var experiment = Pick<string?>(random, ["exp-a", "exp-b", null]);
            DateTimeOffset? start = random.Next(6) switch
            {
                0 => null,
                1 or 2 => DateTimeOffset.FromUnixTimeMilliseconds(2_000),
                _ => DateTimeOffset.FromUnixTimeMilliseconds(random.Next(10) * 1_000),
            };
            DateTimeOffset? end = random.Next(2) == 0 ? null : DateTimeOffset.FromUnixTimeMilliseconds(20_000 + (random.Next(5) * 1_000));
            var metrics = MetricNames.Where(_ => random.Next(4) == 0).OrderBy(_ => random.Next()).ToList();
            if (random.Next(2) == 0)
            {
                var builder = new RunBuilder();
                var keys = new HashSet<string>(StringComparer.Ordinal);
                foreach (var metric in metrics)
                {
                    // the key an importer gives (one importer calls validation/epoch_loss val/loss), else the name
                    var key = metric == "validation/epoch_loss" ? "val/loss" : Runlens.Model.MetricNames.Normalize(metric);
                    key = keys.Add(key) ? key : metric;
                    keys.Add(key);
                    builder.Series(key, [.. Enumerable.Range(1, 3).Select(s => (long)s)], [.. Enumerable.Range(0, 3).Select(_ => Pick(random, Values))], metric);
                }

                foreach (var key in ParamKeys.Where(_ => random.Next(2) == 0))
                {
                    builder.Config(key, Pick(random, ParamValues));
                }

                var run = builder.Status((RunStatus)random.Next(5)).Build();
                await store.SaveRunAsync(run with
                {
                    Identity = new RunIdentity(id, name, experiment, new RunSource("csv", "/tmp/" + id)) { Time = new StartEnd(start, end) },
                });
            }
            else
            {
                await store.CreateRunAsync(new NewRun(id, name, experiment, "api", start, Pick<string?>(random, ["alice", "bob", null])) { Status = (RunStatus)random.Next(5) });
                var parameters = ParamKeys.Where(_ => random.Next(2) == 0).ToDictionary(k => k, _ => Pick(random, ParamValues), StringComparer.Ordinal);
                await store.ApplyAsync(id, new RunChanges { Params = parameters, EndTime = end });
                // two or three batches: some go to the pending log, later ones move it into chunks
                for (var batch = 0; batch < 1 + random.Next(3); batch++)
                {
                    await store.ApplyAsync(id, new RunChanges
                    {
                        Points = [.. metrics.Where(_ => random.Next(3) != 0).Select(m => new MetricPoints(m, [new SeriesPoint(10 + batch, Pick(random, Values), double.NaN, 10 + batch)]))],
                    });
                }
            }

            var tags = TagKeys.Where(_ => random.Next(2) == 0).ToDictionary(k => k, _ => Pick(random, TagValues), StringComparer.Ordinal);
            await store.ApplyAsync(id, new RunChanges { Tags = tags, Lifecycle = random.Next(7) == 0 ? "deleted" : null });
        }

        return ids;
    }

    private static string RandomFilter(Random random, List<string> ids)
    {
        var clauses = new List<string>();
        for (var c = random.Next(4); c > 0; c--)
        {
            string Op(params string[] ops) => Pick(random, ops);
            string Quote(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";
            string Number() => Pick(random, [0.25, 0.5, 1.0, 0.1, 1e9, -1e9]).ToString("R", CultureInfo.InvariantCulture);
            clauses.Add(random.Next(9) switch
            {
                0 or 1 => $"metrics.\"{Pick(random, SearchedMetrics)}\" {Op("<", "<=", ">", ">=", "=", "!=")} {Number()}",
                2 => $"params.\"{Pick(random, [.. ParamKeys, "missing"])}\" {Op("=", "!=", "LIKE", "ILIKE")} {Quote(random.Next(2) == 0 ? Pick(random, ParamValues) : Pick(random, Patterns))}",
                3 => $"tags.\"{Pick(random, TagKeys)}\" {Op("=", "!=", "LIKE", "ILIKE")} {Quote(random.Next(2) == 0 ? Pick(random, TagValues) : Pick(random, Patterns))}",
                4 => $"attributes.status {Op("=", "!=", "LIKE", "ILIKE")} {Quote(Pick(random, ["FINISHED", "RUNNING", "F%", "f%", "BOGUS", "%ED"]))}",
                5 => $"attributes.run_name {Op("=", "!=", "LIKE", "ILIKE")} {Quote(Pick(random, [.. Patterns, "sweep-1", "%eep-1%", "run\\_x%"]))}",
                6 => $"attributes.{Pick(random, ["start_time", "end_time"])} {Op("<", "<=", ">", ">=", "=", "!=")} {Pick(random, ["2000", "5000", "21000", "0"])}",
                7 => $"attributes.user_id {Op("=", "!=", "LIKE")} {Quote(Pick(random, ["alice", "bob", "a%"]))}",
                _ => $"attributes.run_id {Op("IN", "NOT IN")} ({string.Join(", ", ids.Where(_ => random.Next(5) == 0).Select(Quote).DefaultIfEmpty("'none'"))})",
            });
        }

        return string.Join(random.Next(2) == 0 ? " AND " : " and ", clauses);
    }

    private static List<string> RandomOrder(Random random)
    {
        var order = new List<string>();
        for (var c = random.Next(3); c > 0; c--)
        {
            var direction = Pick(random, ["", " ASC", " DESC"]);
            order.Add(random.Next(7) switch
            {
                0 or 1 => $"metrics.\"{Pick(random, SearchedMetrics)}\"{direction}",
                2 => $"params.\"{Pick(random, ParamKeys)}\"{direction}",
                3 => $"tags.\"{Pick(random, TagKeys)}\"{direction}",
                _ => $"attributes.{Pick(random, ["run_name", "status", "start_time", "end_time", "user_id", "run_id"])}{direction}",
            });
        }

        return order;
    }

    private static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];
}

using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using Runlens.Model;
using Runlens.Storage;
using Runlens.Storage.Postgres;
using Runlens.Storage.Sqlite;

namespace Runlens.Bench;

/// <summary>
/// <c>search [runs] [--pg CONNECTION]</c>: run search executed by the store over a sweep of that many runs (default
/// 100,000; 20 experiments, 8 params, 3 tags and 6 metrics a run, the validation loss logged as eval_loss, val_loss or
/// validation/loss). The store is built once and kept (a SQLite file under the temp folder; a schema of the PostgreSQL
/// database named by <c>--pg</c> or <c>$RUNLENS_TEST_PG</c>, when given). Prints, per backend and search, the time to the
/// first page of 50 runs: cold (the first search on a freshly opened store) and warm (p50 and p95 of 30 more), in wall
/// time and in CPU time of this process (the whole search for SQLite, the client's part for PostgreSQL), with the load
/// average, since a shared machine stretches wall times.
/// </summary>
internal static class SearchLoad
{
    private const int PageSize = 50;
    private const int Repetitions = 30;

    private static readonly (string Name, RunSearch Search)[] Searches =
    [
        ("params filter, newest first", new RunSearch { Filter = "params.optimizer = 'adamw'" }),
        ("metric filter, ordered by it", new RunSearch { Filter = "metrics.val_loss < 0.5", OrderBy = ["metrics.val_loss ASC"] }),
        ("param + metric, metric desc", new RunSearch { Filter = "params.optimizer = 'adamw' and metrics.eval_accuracy > 0.8", OrderBy = ["metrics.eval_accuracy DESC"] }),
        ("tag + status, by run name", new RunSearch { Filter = "tags.team = 'nlp' and attributes.status = 'FINISHED'", OrderBy = ["attributes.run_name ASC"] }),
        ("run name LIKE, newest first", new RunSearch { Filter = "attributes.run_name LIKE 'sweep-07-%'" }),
        ("selective metric + param, by start", new RunSearch { Filter = "metrics.\"val/loss\" < 0.25 and params.learning_rate = '0.0001'", OrderBy = ["attributes.start_time DESC"] }),
        ("no filter, by metric desc", new RunSearch { OrderBy = ["metrics.val_loss DESC"] }),
        ("experiment, by param then metric", new RunSearch { Experiments = ["sweep-03"], OrderBy = ["params.batch_size DESC", "metrics.eval_accuracy DESC"] }),
        ("metric filter + total count", new RunSearch { Filter = "metrics.val_loss < 0.5", OrderBy = ["metrics.val_loss ASC"], CountTotal = true }),
    ];

    public static async Task<int> RunAsync(int runs, string? postgres)
    {
        postgres ??= Environment.GetEnvironmentVariable("RUNLENS_TEST_PG") is { Length: > 0 } env ? env : null;
        var folder = Path.Combine(Path.GetTempPath(), "runlens-bench");
        Directory.CreateDirectory(folder);
        var backends = new List<(string Name, string Spec)> { ("sqlite", Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"search-{runs}.db"))) };
        if (postgres is not null)
        {
            var schema = string.Create(CultureInfo.InvariantCulture, $"bench_search_{runs}");
            await using (var admin = new Npgsql.NpgsqlConnection(postgres))
            {
                await admin.OpenAsync();
                await using var cmd = admin.CreateCommand();
                cmd.CommandText = $"CREATE SCHEMA IF NOT EXISTS {schema}";
                await cmd.ExecuteNonQueryAsync();
            }

            backends.Add(("postgresql", postgres + ";Search Path=" + schema));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"first page ({PageSize} runs) of a search over {runs:N0} runs; cold = first search on a freshly opened store, warm = {Repetitions} more; load average {Load()}"));
        Console.WriteLine("| backend | search | runs on page | cold ms | warm p50 ms | warm p95 ms | warm p50 CPU ms |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|");
        foreach (var (name, spec) in backends)
        {
            await BuildAsync(spec, runs);
            if (name == "postgresql")
            {
                // what autovacuum does to tables this size soon after they are written (since PostgreSQL 13 inserts alone
                // trigger it): statistics, and the visibility map that lets the covering indexes answer without the table
                await using var analyze = new Npgsql.NpgsqlConnection(spec);
                await analyze.OpenAsync();
                await using var cmd = analyze.CreateCommand();
                cmd.CommandText = "VACUUM ANALYZE";
                await cmd.ExecuteNonQueryAsync();
            }

            foreach (var (label, search) in Searches)
            {
                var query = search with { PageSize = PageSize };
                await using var store = await RunStores.OpenAsync(spec, StoreOpenMode.OpenExisting);
                var clock = Stopwatch.StartNew();
                var page = await store.SearchRunsAsync(query);
                var cold = clock.Elapsed.TotalMilliseconds;
                var warm = new List<double>();
                var cpu = new List<double>();
                using var process = Process.GetCurrentProcess();
                for (var i = 0; i < Repetitions; i++)
                {
                    process.Refresh();
                    var before = process.TotalProcessorTime;
                    clock.Restart();
                    await store.SearchRunsAsync(query);
                    warm.Add(clock.Elapsed.TotalMilliseconds);
                    process.Refresh();
                    cpu.Add((process.TotalProcessorTime - before).TotalMilliseconds);
                }

                warm.Sort();
                cpu.Sort();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {name} | {label} | {page.Runs.Count} | {cold:F1} | {warm[warm.Count / 2]:F1} | {warm[(int)Math.Ceiling(warm.Count * 0.95) - 1]:F1} | {cpu[cpu.Count / 2]:F1} |"));
            }

            // the page after the first, by its token
            await using (var store = await RunStores.OpenAsync(spec, StoreOpenMode.OpenExisting))
            {
                var query = Searches[1].Search with { PageSize = PageSize };
                var token = (await store.SearchRunsAsync(query)).NextPageToken;
                var times = new List<double>();
                for (var i = 0; i < Repetitions; i++)
                {
                    var clock = Stopwatch.StartNew();
                    await store.SearchRunsAsync(query with { PageToken = token });
                    times.Add(clock.Elapsed.TotalMilliseconds);
                }

                times.Sort();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {name} | {Searches[1].Name}: second page by token | {PageSize} | – | {times[times.Count / 2]:F1} | {times[(int)Math.Ceiling(times.Count * 0.95) - 1]:F1} | |"));
            }
        }

        Console.WriteLine("load average at the end: " + Load());
        return 0;
    }

    private static string Load() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    /// <summary>Fills the store with the sweep unless it holds it already.</summary>
    private static async Task BuildAsync(string spec, int runs)
    {
        await using var store = await RunStores.OpenAsync(spec, StoreOpenMode.OpenOrCreate);
        var have = (await store.SearchRunsAsync(new RunSearch { PageSize = 1, CountTotal = true, Active = true, Deleted = true })).Total;
        if (have == runs)
        {
            return;
        }

        if (have != 0)
        {
            throw new InvalidOperationException($"{RunStores.Describe(spec)} holds {have} runs, not {runs}: delete it and run again");
        }

        var clock = Stopwatch.StartNew();
        var writers = PostgresRunStore.IsPostgres(spec) ? 8 : 1;
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < runs)
            {
                var run = SweepRun(i);
                await store.SaveRunAsync(run);
                await store.ApplyAsync(run.Identity.Id, new RunChanges { Tags = SweepTags(i) });
                if (i % 10_000 == 0 && i > 0)
                {
                    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {RunStores.Describe(spec)}: {i:N0} runs stored in {clock.Elapsed.TotalSeconds:F0} s"));
                }
            }
        })));
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  built {RunStores.Describe(spec)}: {runs:N0} runs in {clock.Elapsed.TotalSeconds:F0} s"));
    }

    private static readonly string[] Optimizers = ["adamw", "sgd", "adam"];
    private static readonly string[] Rates = ["0.0001", "0.0003", "0.001", "3e-05", "5e-05", "0.01"];
    private static readonly string[] Teams = ["nlp", "vision", "speech"];
    private static readonly string[] Models = ["bert-base", "roberta-base", "resnet50", "whisper-small"];

    private static Dictionary<string, string> SweepTags(int i) => new(StringComparer.Ordinal)
    {
        ["team"] = Teams[i % Teams.Length],
        ["owner"] = string.Create(CultureInfo.InvariantCulture, $"user-{i % 37}"),
        ["phase"] = i % 4 == 0 ? "final" : "explore",
    };

    /// <summary>One run of the sweep, the same every time for the same index.</summary>
    private static Run SweepRun(int i)
    {
        var random = new Random(i);
        var experiment = string.Create(CultureInfo.InvariantCulture, $"sweep-{i % 20:00}");
        var valLoss = (random.Next(10) switch { < 6 => "eval_loss", < 9 => "val_loss", _ => "validation/loss" }, 0.1 + random.NextDouble());
        var metrics = new (string Name, double Last)[]
        {
            ("loss", 0.05 + random.NextDouble()),
            valLoss,
            ("eval_accuracy", 0.5 + (random.NextDouble() / 2)),
            ("learning_rate", 1e-5),
            ("grad_norm", random.NextDouble() * 5),
            ("epoch", 3),
        };
        var series = ImmutableSortedDictionary.CreateBuilder<string, Series>(StringComparer.Ordinal);
        foreach (var (name, last) in metrics)
        {
            var key = MetricNames.Normalize(name);
            series[key] = new Series(key, name, [new SeriesPoint(100, last * 1.5, 1), new SeriesPoint(200, last * 1.2, 2), new SeriesPoint(300, last, 3)]);
        }

        var config = new Dictionary<string, ConfigValue>(StringComparer.Ordinal)
        {
            ["learning_rate"] = ConfigValue.Parse(Rates[random.Next(Rates.Length)]),
            ["optimizer"] = ConfigValue.Of(Optimizers[random.Next(Optimizers.Length)]),
            ["batch_size"] = ConfigValue.Parse(((int)Math.Pow(2, 4 + random.Next(4))).ToString(CultureInfo.InvariantCulture)),
            ["warmup_steps"] = ConfigValue.Parse((random.Next(5) * 100).ToString(CultureInfo.InvariantCulture)),
            ["weight_decay"] = ConfigValue.Parse(random.Next(2) == 0 ? "0.0" : "0.01"),
            ["seed"] = ConfigValue.Parse((i % 5).ToString(CultureInfo.InvariantCulture)),
            ["model"] = ConfigValue.Of(Models[random.Next(Models.Length)]),
            ["scheduler"] = ConfigValue.Of(random.Next(2) == 0 ? "linear" : "cosine"),
        };
        var start = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000 + (i * 60_000L) + random.Next(1000));
        return new Run
        {
            Identity = new RunIdentity(string.Create(CultureInfo.InvariantCulture, $"run-{i:000000}"), string.Create(CultureInfo.InvariantCulture, $"{experiment}-{i:000000}"), experiment,
                new RunSource("runlens-callback", "/bench/" + i.ToString(CultureInfo.InvariantCulture)))
            {
                Time = new StartEnd(start, start.AddMinutes(30 + random.Next(600))),
            },
            Status = random.Next(20) switch { 0 => RunStatus.Failed, 1 => RunStatus.Killed, 2 => RunStatus.Running, _ => RunStatus.Finished },
            Config = RunConfig.From(config),
            Series = series.ToImmutable(),
        };
    }
}

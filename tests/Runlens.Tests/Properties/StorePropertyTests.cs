using CsCheck;
using Runlens.Model;
using Runlens.Storage;
using Runlens.Storage.Sqlite;
using Runlens.Tests.Support;

namespace Runlens.Tests.Properties;

/// <summary>
/// Properties of the store over generated inputs (CsCheck, shrinking to the smallest failing case): appends are
/// idempotent in any order, paging covers every point and every run exactly once, and the store's reduction keeps the
/// ends, the extremes and a non-finite point. One real SQLite file per property; each case writes its own run.
/// </summary>
public sealed class StorePropertyTests
{
    /// <summary>A series to store: its length (steps 0..n-1, each with its own wall time), a seed for values, batches and
    /// their order, and how many batches it is sent in.</summary>
    private static readonly Gen<(int N, int Seed, int Batches)> Series = Gen.Select(Gen.Int[1, 3000], Gen.Int, Gen.Int[1, 20]);

    [Fact]
    public async Task Appending_batches_in_any_order_with_retries_stores_every_point_exactly_once()
    {
        using var dir = new TempDir();
        await using var store = await SqliteRunStore.OpenAsync(Path.Combine(dir.Path, "p.db"));
        var run = 0;
        await Series.SampleAsync(async c =>
        {
            var id = $"append-{run++}";
            var points = Points(c.N, c.Seed);
            var random = new Random(c.Seed);
            var batches = points.Chunk(Math.Max(1, (c.N + c.Batches - 1) / c.Batches)).ToList();
            var sends = batches.Concat(batches.Where(_ => random.Next(3) == 0)).OrderBy(_ => random.Next()).ToList(); // retries, any order
            await store.CreateRunAsync(new NewRun(id, id, "props", "api", DateTimeOffset.UnixEpoch));
            foreach (var batch in sends)
            {
                await store.ApplyAsync(id, new RunChanges { Points = [new MetricPoints("loss", batch)] });
            }

            var stored = (await store.ReadSeriesAsync(id, "loss"))!.Points;
            Assert.Equal(c.N, stored.Length);
            Assert.Equal(Keys(points), Keys(stored));
        }, iter: 40);
    }

    [Fact]
    public async Task Reading_a_series_page_by_page_gives_every_point_once_in_stored_order()
    {
        using var dir = new TempDir();
        await using var store = await SqliteRunStore.OpenAsync(Path.Combine(dir.Path, "p.db"));
        var run = 0;
        await Gen.Select(Series, Gen.Int[1, 5000]).SampleAsync(async c =>
        {
            var ((n, seed, batches), pageSize) = c;
            var id = $"pages-{run++}";
            var points = Points(n, seed);
            await store.CreateRunAsync(new NewRun(id, id, "props", "api", DateTimeOffset.UnixEpoch));
            foreach (var batch in points.Chunk(Math.Max(1, (n + batches - 1) / batches)))
            {
                await store.ApplyAsync(id, new RunChanges { Points = [new MetricPoints("loss", batch)] });
            }

            var whole = (await store.ReadSeriesAsync(id, "loss"))!.Points;
            var paged = new List<SeriesPoint>();
            long offset = 0;
            while (await store.ReadPointsAsync(id, "loss", offset, pageSize) is { Points.Length: > 0 } page)
            {
                Assert.Equal((offset, (long)n), (page.Offset, page.Total));
                paged.AddRange(page.Points);
                offset = page.End;
            }

            Assert.Equal(whole.Select(p => (p.Step, p.WallTime)), paged.Select(p => (p.Step, p.WallTime)));
        }, iter: 40);
    }

    [Fact]
    public async Task Paging_through_the_run_list_lists_every_run_exactly_once()
    {
        using var dir = new TempDir();
        await using var store = await SqliteRunStore.OpenAsync(Path.Combine(dir.Path, "p.db"));
        var sample = 0;
        await Gen.Select(Gen.Int[0, 60], Gen.Int[1, 25]).SampleAsync(async c =>
        {
            var (runs, limit) = c;
            var experiment = $"exp-{sample++}";
            var ids = Enumerable.Range(0, runs).Select(i => $"{experiment}-run-{i}").ToList();
            foreach (var id in ids)
            {
                await store.CreateRunAsync(new NewRun(id, id, experiment, "api", DateTimeOffset.UnixEpoch));
            }

            var seen = new List<string>();
            for (var offset = 0; ; offset += limit)
            {
                var page = await store.ListRunsAsync(new RunQuery(experiment, null, limit, offset));
                seen.AddRange(page.Select(r => r.Id));
                if (page.Count < limit)
                {
                    break;
                }
            }

            Assert.Equal(ids.Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));
        }, iter: 30);
    }

    [Fact]
    public async Task The_stores_reduction_keeps_the_ends_the_extremes_and_a_non_finite_point_in_order()
    {
        using var dir = new TempDir();
        await using var store = await SqliteRunStore.OpenAsync(Path.Combine(dir.Path, "p.db"));
        var run = 0;
        await Gen.Select(Series, Gen.Int[4, 400]).SampleAsync(async c =>
        {
            var ((n, seed, _), max) = c;
            var id = $"reduce-{run++}";
            var points = Points(n, seed);
            await store.CreateRunAsync(new NewRun(id, id, "props", "api", DateTimeOffset.UnixEpoch));
            await store.ApplyAsync(id, new RunChanges { Points = [new MetricPoints("loss", points)] });
            var reduced = (await store.ReadSeriesAsync(id, "loss", max))!.Points;
            var stored = (await store.ReadSeriesAsync(id, "loss"))!.Points;
            Assert.Equal(stored[0].Step, reduced[0].Step);
            Assert.Equal(stored[^1].Step, reduced[^1].Step);
            var position = stored.Select((p, i) => (p.Step, i)).ToDictionary(x => x.Step, x => x.i);
            Assert.True(reduced.Select(p => position[p.Step]).Zip(reduced.Skip(1).Select(p => position[p.Step])).All(x => x.First < x.Second), "out of order or repeated");
            var finite = stored.Where(p => double.IsFinite(p.Value)).ToList();
            if (finite.Count > 0)
            {
                Assert.Contains(finite.Min(p => p.Value), reduced.Select(p => p.Value));
                Assert.Contains(finite.Max(p => p.Value), reduced.Select(p => p.Value));
            }

            Assert.Equal(stored.Any(p => !double.IsFinite(p.Value)), reduced.Any(p => !double.IsFinite(p.Value)));
        }, iter: 40);
    }

    /// <summary>Steps 0..n-1 with distinct wall times; values mostly finite, with NaN and ±Infinity mixed in.</summary>
    internal static List<SeriesPoint> Points(int n, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, n).Select(i => new SeriesPoint(i, random.Next(50) switch
        {
            0 => double.NaN,
            1 => double.PositiveInfinity,
            2 => double.NegativeInfinity,
            _ => (random.NextDouble() * 200) - 100,
        }, double.NaN, 1_700_000_000 + i))];
    }

    private static List<(long, long, double)> Keys(IEnumerable<SeriesPoint> points) =>
        [.. points.Select(p => (p.Step, BitConverter.DoubleToInt64Bits(p.Value), p.WallTime)).Order()];
}

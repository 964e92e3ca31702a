using System.Collections.Immutable;
using BenchmarkDotNet.Attributes;
using Runlens.Model;
using Runlens.Storage.Sqlite;

namespace Runlens.Bench;

/// <summary>Reading a stored 1,000,000-point series from SQLite, whole and downsampled to 1,000 points in the store.
/// Target (issue 5): downsampled under 50 ms. Also the time to save it.</summary>
[MemoryDiagnoser]
public class StoreReadBenchmark
{
    private SqliteRunStore _store = null!;
    private string _path = "";

    [GlobalSetup]
    public void Setup()
    {
        _path = Path.Combine(Path.GetTempPath(), "runlens-bench-store.db");
        foreach (var f in new[] { _path, _path + "-wal", _path + "-shm" })
        {
            File.Delete(f);
        }

        var rng = new Random(1);
        var points = ImmutableArray.CreateBuilder<SeriesPoint>(1_000_000);
        for (var i = 0; i < 1_000_000; i++)
        {
            points.Add(new SeriesPoint(i, 2 * Math.Exp(-i / 300_000.0) + (0.01 * rng.NextDouble())));
        }

        var run = new Run
        {
            Identity = new RunIdentity("bench", "bench", null, new RunSource("csv", "/bench")),
            Series = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create("train/loss", new Series("train/loss", "loss", points.MoveToImmutable()))]),
        };
        _store = SqliteRunStore.OpenAsync(_path).GetAwaiter().GetResult();
        var sw = System.Diagnostics.Stopwatch.StartNew();
        _store.SaveRunAsync(run).GetAwaiter().GetResult();
        Console.WriteLine($"// saved 1,000,000 points in {sw.Elapsed.TotalMilliseconds:F0} ms");
    }

    [GlobalCleanup]
    public void Cleanup() => _store.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark]
    public async Task<int> ReadDownsampledTo1000() => (await _store.ReadSeriesAsync("bench", "train/loss", 1000))!.Count;

    [Benchmark]
    public async Task<int> ReadAll() => (await _store.ReadSeriesAsync("bench", "train/loss"))!.Count;
}

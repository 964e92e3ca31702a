using System.Collections.Immutable;
using Runlens.Import;
using Runlens.Model;
using Runlens.Storage.Sqlite;
using Runlens.Tests.Support;

namespace Runlens.Tests.Mcp;

/// <summary>
/// A SQLite store holding real example runs (imported by the importers) and a few generated ones whose values are known
/// by construction, served by one <c>runlens mcp</c> process for a test class.
/// </summary>
public sealed class McpStoreFixture : IAsyncLifetime
{
    public const string HfExample = "hf-trainer-multi-eval-overfit";

    /// <summary>Steps 0..49,999 of <c>train/loss</c> in the run "long-spiky".</summary>
    public const int LongPoints = 50_000;
    public const long SpikeStep = 31_337;
    public const double SpikeValue = 1000;
    public const long DipStep = 7_777;
    public const double DipValue = -5;
    public const long NanStep = 40_000;

    private readonly TempDir _dir = new();
    private McpServer? _server;

    internal McpServer Server => _server ?? throw new InvalidOperationException("not started");

    public string StorePath => _dir.File("runlens.db");

    /// <summary>Run ids by name.</summary>
    public Dictionary<string, string> Ids { get; } = new(StringComparer.Ordinal);

    public int RunCount => Ids.Count;

    public static readonly string[] Examples = [HfExample, "lightning-csv-mnist-cnn", "keras-csvlogger-brats-unet-lr-plateau"];

    public static readonly double[] SweepAValLoss = [0.9, 0.7, 0.55, 0.6];
    public static readonly double[] SweepBValLoss = [0.8, 0.5, 0.42, 0.4];

    public async Task InitializeAsync()
    {
        await using (var store = await SqliteRunStore.OpenAsync(StorePath))
        {
            foreach (var example in Examples)
            {
                foreach (var run in (await ImporterCatalog.ImportAsync(Fixtures.Example(example))).Runs)
                {
                    await store.SaveRunAsync(run);
                    Ids[run.Identity.Name] = run.Identity.Id;
                }
            }

            foreach (var run in new[] { LongRun(), Sweep("sweep-a", 1e-4, SweepAValLoss), Sweep("sweep-b", 3e-4, SweepBValLoss) })
            {
                await store.SaveRunAsync(run);
                Ids[run.Identity.Name] = run.Identity.Id;
            }
        }

        _server = await McpServer.StartAsync(StorePath);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _dir.Dispose();
    }

    private static Run LongRun()
    {
        var points = ImmutableArray.CreateBuilder<SeriesPoint>(LongPoints);
        for (var i = 0; i < LongPoints; i++)
        {
            var value = i switch
            {
                (int)SpikeStep => SpikeValue,
                (int)DipStep => DipValue,
                (int)NanStep => double.NaN,
                _ => 1 + (0.1 * Math.Sin(i / 100.0)),
            };
            points.Add(new SeriesPoint(i, value));
        }

        return new Run
        {
            Identity = new RunIdentity("long-spiky-id", "long-spiky", "generated", new RunSource("test", "generated")),
            Series = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create("train/loss", new Series("train/loss", "loss", points.MoveToImmutable()))]),
            Status = RunStatus.Finished,
        };
    }

    private static Run Sweep(string name, double learningRate, double[] valLoss)
    {
        var run = new RunBuilder()
            .Config("learning_rate", learningRate)
            .Config("per_device_train_batch_size", 32)
            .Series("train/loss", 100, RunBuilder.Falling(40, 1.2, 0.3))
            .Series("val/loss", [1000, 2000, 3000, 4000], valLoss, original: "eval_loss")
            .Status(RunStatus.Finished)
            .Build();
        return run with { Identity = new RunIdentity(name + "-id", name, "sweep", new RunSource("hf-trainer-state", "generated/" + name)) };
    }
}

using BenchmarkDotNet.Attributes;
using Runlens.Import;
using Runlens.Import.TensorBoard;

namespace Runlens.Bench;

/// <summary>
/// Imports a generated scalar-heavy TensorBoard event file of about 120 MB (Lightning-style <c>simple_value</c>
/// events: train_loss, epoch and lr-Adam every step, val_loss every 1,000 steps; each value its own Event, as
/// torch.utils.tensorboard and tf.summary write them). Every record's two CRC-32C checksums are checked.
/// Target: at least 300 MB/s on one core (about 0.4 s for this file).
/// </summary>
[MemoryDiagnoser]
public class TensorBoardReadBenchmark
{
    private const long TargetBytes = 120L << 20;
    private readonly TensorBoardImporter _importer = new();
    private string _path = "";

    [GlobalSetup]
    public void Setup()
    {
        var dir = Path.Combine(Path.GetTempPath(), "runlens-bench-tensorboard");
        Directory.CreateDirectory(dir);
        _path = Path.Combine(dir, "events.out.tfevents.1700000000.bench.1.0");
        if (!File.Exists(_path) || new FileInfo(_path).Length < TargetBytes)
        {
            Write(_path);
        }

        var size = new FileInfo(_path).Length;
        Console.WriteLine($"// event file: {size:N0} bytes ({size / 1048576.0:F1} MiB) at {_path}");
    }

    [Benchmark]
    public async Task<int> ImportAsync()
    {
        var result = await _importer.ImportAsync(_path, ImportContext.None);
        return result.Runs[0].Series.Count;
    }

    public static void Write(string path)
    {
        var rng = new Random(42);
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        var w = new TensorBoardEventWriter(file);
        var loss = 2.5;
        var wall = 1_700_000_000.0;
        for (long step = 1; w.Length < TargetBytes; step++)
        {
            wall += 0.05 + rng.NextDouble() * 0.01;
            loss = Math.Max(0.05, loss * 0.99999 + (rng.NextDouble() - 0.5) * 0.01);
            w.Scalar("train_loss", step, (float)loss, wall);
            w.Scalar("epoch", step, step / 10_000, wall);
            w.Scalar("lr-Adam", step, (float)(1e-3 * (1 - step / 3e6)), wall);
            if (step % 1000 == 0)
            {
                w.Scalar("val_loss", step, (float)(loss + 0.1), wall);
            }
        }
    }
}

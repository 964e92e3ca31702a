using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using Runlens.Import;
using Runlens.Import.Tabular;

namespace Runlens.Bench;

/// <summary>
/// Imports a 1,000,000-row Lightning CSVLogger <c>metrics.csv</c> as Lightning writes it (sorted header
/// <c>epoch,step,train_loss,val_accuracy,val_loss</c>; a training row per step and a separate validation row every 100 steps,
/// cells left empty where a row has no value), and a 1,000,000-line JSONL log of the same values.
/// </summary>
[MemoryDiagnoser]
public class TabularImportBenchmark
{
    private const int Rows = 1_000_000;
    private readonly LightningCsvImporter _lightning = new();
    private readonly JsonlMetricsImporter _jsonl = new();
    private string _csv = "";
    private string _jsonlPath = "";

    [GlobalSetup]
    public void Setup()
    {
        var dir = Path.Combine(Path.GetTempPath(), "runlens-bench-tabular");
        Directory.CreateDirectory(Path.Combine(dir, "version_0"));
        _csv = Path.Combine(dir, "version_0", "metrics.csv");
        _jsonlPath = Path.Combine(dir, "metrics.jsonl");
        if (!File.Exists(_csv) || !File.Exists(_jsonlPath))
        {
            Write(_csv, _jsonlPath);
        }

        foreach (var p in new[] { _csv, _jsonlPath })
        {
            var size = new FileInfo(p).Length;
            Console.WriteLine($"// {Path.GetFileName(p)}: {Rows:N0} rows, {size:N0} bytes ({size / 1048576.0:F1} MiB) at {p}");
        }
    }

    [Benchmark]
    public async Task<int> LightningCsvAsync()
    {
        var result = await _lightning.ImportAsync(_csv, ImportContext.None);
        return result.Runs[0].Series.Count;
    }

    [Benchmark]
    public async Task<int> JsonlAsync()
    {
        var result = await _jsonl.ImportAsync(_jsonlPath, ImportContext.None);
        return result.Runs[0].Series.Count;
    }

    private static void Write(string csvPath, string jsonlPath)
    {
        var c = CultureInfo.InvariantCulture;
        var rng = new Random(42);
        using var csv = new StreamWriter(csvPath, false, new UTF8Encoding(false), 1 << 20);
        using var jsonl = new StreamWriter(jsonlPath, false, new UTF8Encoding(false), 1 << 20);
        csv.Write("epoch,step,train_loss,val_accuracy,val_loss\n");
        var loss = 2.5;
        for (long step = 1, n = 0; n < Rows; step++)
        {
            var epoch = step / 5000;
            loss = Math.Max(0.05, loss * 0.999995 + (rng.NextDouble() - 0.5) * 0.01);
            csv.Write(string.Create(c, $"{epoch},{step},{loss:R},,\n"));
            jsonl.Write(string.Create(c, $"{{\"epoch\": {epoch}, \"step\": {step}, \"train_loss\": {loss:R}}}\n"));
            n++;
            if (step % 100 == 0 && n < Rows)
            {
                var acc = 0.5 + rng.NextDouble() * 0.4;
                var val = loss + 0.1 + rng.NextDouble() * 0.05;
                csv.Write(string.Create(c, $"{epoch},{step},,{acc:R},{val:R}\n"));
                jsonl.Write(string.Create(c, $"{{\"epoch\": {epoch}, \"step\": {step}, \"val_accuracy\": {acc:R}, \"val_loss\": {val:R}}}\n"));
                n++;
            }
        }
    }
}

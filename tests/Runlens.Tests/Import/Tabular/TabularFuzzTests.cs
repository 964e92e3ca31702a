using System.Text;
using Runlens.Import;
using Runlens.Import.Tabular;
using Runlens.Tests.Support;

namespace Runlens.Tests.Import.Tabular;

/// <summary>Mutated copies of real and realistic inputs give a run or a <see cref="RunImportException"/> naming the file;
/// detection on them never throws.</summary>
public sealed class TabularFuzzTests
{
    private const string Hparams = """
        batch_size: 64
        lr: 0.001
        model:
          name: cnn
          channels: [32, 64]
        args: !!python/object:argparse.Namespace
          seed: 7
        """;

    private const string GenericCsv = "step,epoch,phase,loss,\"eval_loss\",accuracy,timestamp\n"
        + "10,0.1,train,2.5,,0.1,1700000000\n"
        + "20,0.2,\"warm, up\",nan,,inf,1700000001\n"
        + "20,0.2,eval,,1.9,-inf,1700000002\n"
        + "30,0.3,\"two\nlines\",1e308,1.8,0.5,1700000003\n";

    private const string Jsonl = """
        {"_step": 0, "epoch": 0.1, "loss": 2.5, "lr": 1e-4, "_timestamp": 1700000000.5}
        {"_step": 1, "loss": NaN, "eval": {"loss": 1.9, "acc": Infinity}, "note": "x"}
        {"_step": 2, "loss": -Infinity, "grad_norm": "3.5", "tags": [1, 2]}
        {"_step": 3, "loss": 1e308, "eval": {"loss": null}}
        """;

    private const string History = """
        {"epoch": [0, 1, 2],
         "history": {"loss": [0.9, NaN, 0.5], "val_loss": [Infinity, 0.8, "0.7"], "accuracy": [0.1, null, [0.3]]},
         "params": {"epochs": 3, "steps": 10, "verbose": "auto"}}
        """;

    private static Func<string, Task> Import(IRunImporter importer) => async path =>
    {
        _ = importer.Detect(path);
        _ = ImporterCatalog.All.Sum(i => i.Detect(path));
        await importer.ImportAsync(path, ImportContext.None);
    };

    [Fact]
    public async Task Lightning_survives_2000_mutations_of_a_real_metrics_csv()
    {
        var metrics = await File.ReadAllBytesAsync(Path.Combine(Fixtures.Example("lightning-csv-mnist-cnn"), "metrics.csv"));
        var hparams = Encoding.UTF8.GetBytes(Hparams);
        await Fuzz.RunAsync(metrics, "metrics.csv", Import(new LightningCsvImporter()), iterations: 2000, seed: 21,
            prepare: (dir, bytes) => Lay(dir, bytes, hparams));
    }

    [Fact]
    public async Task Lightning_survives_1000_mutations_of_hparams_yaml()
    {
        var metrics = await File.ReadAllBytesAsync(Path.Combine(Fixtures.Example("lightning-csv-mnist-cnn"), "metrics.csv"));
        await Fuzz.RunAsync(Encoding.UTF8.GetBytes(Hparams), "hparams.yaml", Import(new LightningCsvImporter()), iterations: 1000, seed: 22,
            prepare: (dir, bytes) => Lay(dir, metrics, bytes));
    }

    [Fact]
    public async Task Keras_csv_survives_2000_mutations_of_a_real_training_log()
    {
        var log = await File.ReadAllBytesAsync(Path.Combine(Fixtures.Example("keras-csvlogger-brats-unet-lr-plateau"), "training.log"));
        await Fuzz.RunAsync(log, "training.log", Import(new KerasCsvImporter()), iterations: 2000, seed: 23);
    }

    [Fact]
    public async Task Keras_history_survives_2000_mutations_of_a_history_dump()
    {
        await Fuzz.RunAsync(Encoding.UTF8.GetBytes(History), "history.json", Import(new KerasHistoryImporter()), iterations: 2000, seed: 24);
    }

    [SharedFact]
    public async Task Keras_history_survives_1500_mutations_of_a_real_history_dump()
    {
        var bytes = await File.ReadAllBytesAsync(Path.Combine(Fixtures.Shared("keras-history-json-brain-tumor-lr-schedule"), "training_history.json"));
        await Fuzz.RunAsync(bytes, "training_history.json", Import(new KerasHistoryImporter()), iterations: 1500, seed: 25);
    }

    [Fact]
    public async Task Generic_csv_survives_2000_mutations()
    {
        await Fuzz.RunAsync(Encoding.UTF8.GetBytes(GenericCsv), "log.csv", Import(new CsvMetricsImporter()), iterations: 2000, seed: 26);
    }

    [Fact]
    public async Task Jsonl_survives_2000_mutations()
    {
        await Fuzz.RunAsync(Encoding.UTF8.GetBytes(Jsonl), "log.jsonl", Import(new JsonlMetricsImporter()), iterations: 2000, seed: 27);
    }

    [Fact]
    public async Task A_lightning_logger_folder_survives_500_mutations_of_one_version()
    {
        var metrics = await File.ReadAllBytesAsync(Path.Combine(Fixtures.Example("lightning-csv-mnist-cnn"), "metrics.csv"));
        await Fuzz.RunAsync(metrics, "metrics.csv", Import(new LightningCsvImporter()), iterations: 500, seed: 28,
            prepare: (dir, bytes) =>
            {
                var logs = Path.Combine(dir, "lightning_logs");
                Directory.CreateDirectory(Path.Combine(logs, "version_0"));
                Directory.CreateDirectory(Path.Combine(logs, "version_1"));
                File.WriteAllBytes(Path.Combine(logs, "version_0", "metrics.csv"), bytes);
                File.WriteAllBytes(Path.Combine(logs, "version_1", "metrics.csv"), bytes.Length > 40 ? bytes[..40] : bytes);
                return logs;
            });
    }

    private static string Lay(string dir, byte[] metrics, byte[] hparams)
    {
        var version = Path.Combine(dir, "version_0");
        Directory.CreateDirectory(version);
        File.WriteAllBytes(Path.Combine(version, "metrics.csv"), metrics);
        File.WriteAllBytes(Path.Combine(version, "hparams.yaml"), hparams);
        return version;
    }
}

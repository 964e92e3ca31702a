using System.Text;
using Runlens.Import;
using Runlens.Import.Wandb;
using Runlens.Tests.Support;

namespace Runlens.Tests.Import.Wandb;

/// <summary>Mutated inputs give a run (with damage events where something was lost) or a clean
/// <see cref="RunImportException"/>; never another exception or a hang.</summary>
public sealed class WandbFuzzTests
{
    private readonly WandbImporter _importer = new();

    private Task ImportAsync(string path) => _importer.ImportAsync(path, ImportContext.None);

    [Fact]
    public async Task Mutated_logs_in_a_run_folder_import_or_fail_cleanly()
    {
        // 120 rows plus one record split over blocks: about 45 KB, two blocks
        var w = WandbTestRuns.StandardWriter(120, finish: false);
        w.Write(WandbLogWriter.History(("blob", "\"" + new string('z', 20_000) + "\""), ("train_loss", "0.1"), ("_step", "120")));
        w.Write(WandbLogWriter.Exit(0, 120));
        w.Write(WandbLogWriter.Final());
        var log = w.ToArray();

        await Fuzz.RunAsync(log, "run-abc123xy.wandb", ImportAsync, iterations: 2000, seed: 2024,
            prepare: (dir, bytes) => WandbTestRuns.Folder(dir, bytes, summary: null, config: null));
    }

    [Fact]
    public async Task Mutated_logs_with_summary_and_config_beside_them_still_give_a_run()
    {
        var log = WandbTestRuns.StandardLog(60);
        var runs = 0;
        await Fuzz.RunAsync(log, "run-abc123xy.wandb", async path =>
            {
                var result = await _importer.ImportAsync(path, ImportContext.None);
                Assert.Single(result.Runs);
                runs++;
            },
            iterations: 500, seed: 77,
            prepare: (dir, bytes) => WandbTestRuns.Folder(dir, bytes));
        Assert.Equal(500, runs);
    }

    [Fact]
    public async Task Mutated_record_payloads_with_valid_checksums_import_or_fail_cleanly()
    {
        // the mutation hits the protobuf bytes; the writer wraps them in a log with correct checksums
        var payload = Google.Protobuf.MessageExtensions.ToByteArray(WandbTestRuns.Row(3, 0.75, 1.5));
        var run = Google.Protobuf.MessageExtensions.ToByteArray(WandbLogWriter.RunStart("p", "proj", WandbTestRuns.Start));
        await Fuzz.RunAsync(payload, "run-abc123xy.wandb", ImportAsync, iterations: 1500, seed: 99,
            prepare: (dir, bytes) =>
            {
                var w = new WandbLogWriter();
                w.WriteData(run);
                w.WriteData(bytes);
                w.WriteData(bytes);
                return WandbTestRuns.Folder(dir, w.ToArray(), summary: null, config: null);
            });
    }

    [Fact]
    public async Task Mutated_summary_config_and_metadata_files_import_or_fail_cleanly()
    {
        const string metadata = """{"program": "train.py", "host": "box", "email": "x@y.z", "startedAt": "2023-06-22T02:52:42.321588"}""";
        var files = new (string Name, string Text)[]
        {
            ("wandb-summary.json", WandbTestRuns.SummaryJson),
            ("config.yaml", WandbTestRuns.ConfigYaml),
            ("wandb-metadata.json", metadata),
        };
        foreach (var (name, text) in files)
        {
            await Fuzz.RunAsync(Encoding.UTF8.GetBytes(text), name, ImportAsync, iterations: 400, seed: name.Length,
                prepare: (dir, bytes) =>
                {
                    var folder = WandbTestRuns.Folder(dir, log: null, metadata: metadata);
                    File.WriteAllBytes(Path.Combine(folder, "files", name), bytes);
                    return folder;
                });
        }
    }
}

using Google.Protobuf;
using Runlens.Import;
using Runlens.Import.TensorBoard;
using Runlens.Import.TensorBoard.Proto;
using Runlens.Tests.Support;

namespace Runlens.Tests.Import.TensorBoard;

/// <summary>Mutated event files give a run (with damage events where something was lost) or a clean
/// <see cref="RunImportException"/>; never another exception or a hang.</summary>
public sealed class TensorBoardFuzzTests
{
    private readonly TensorBoardImporter _importer = new();

    private Task ImportAsync(string path) => _importer.ImportAsync(path, ImportContext.None);

    [SharedTheory]
    [InlineData("tensorboard-tf2-gan-custom-summary", "", 1500)]
    [InlineData("tensorboard-hf-trainer-hate-speech-loss-zero", "", 1500)]
    [InlineData("tensorboard-keras-tf2-imdb-overfit", "validation", 1000)]
    [InlineData("tensorboard-lightning-brain-tumor-healthy", "", 1000)]
    public async Task Mutated_real_event_files_import_or_fail_cleanly(string fixture, string sub, int iterations)
    {
        var file = Directory.GetFiles(Path.Combine(Fixtures.Shared(fixture), sub), "events.out.tfevents.*")[0];
        await Fuzz.RunAsync(File.ReadAllBytes(file), Path.GetFileName(file), ImportAsync, iterations, seed: fixture.Length);
    }

    [Fact]
    public async Task Mutated_example_event_files_in_a_lightning_folder_import_or_fail_cleanly()
    {
        var folder = Fixtures.Example("tensorboard-lightning-mnist-cnn-fit-validate-test");
        var files = Directory.GetFiles(folder, "events.out.tfevents.*").Order(StringComparer.Ordinal).ToArray();
        var yaml = File.ReadAllText(Path.Combine(folder, "hparams.yaml"));
        await Fuzz.RunAsync(File.ReadAllBytes(files[0]), Path.GetFileName(files[0]), ImportAsync, iterations: 1500, seed: 7,
            prepare: (dir, bytes) =>
            {
                File.WriteAllBytes(Path.Combine(dir, Path.GetFileName(files[0])), bytes);
                File.Copy(files[1], Path.Combine(dir, Path.GetFileName(files[1])));
                File.WriteAllText(Path.Combine(dir, "hparams.yaml"), yaml);
                return dir;
            });
    }

    [Fact]
    public async Task Mutated_event_payloads_with_valid_checksums_import_or_fail_cleanly()
    {
        // the mutation hits the protobuf bytes; the writer frames them with correct checksums
        var ev = new TbEvent
        {
            Step = 12,
            WallTime = 1_700_000_000.5,
            Summary = new TbSummary
            {
                Value =
                {
                    new TbSummaryValue { Tag = "loss", SimpleValue = 0.5f },
                    new TbSummaryValue
                    {
                        Tag = "epoch_loss",
                        Tensor = new TbTensor { Dtype = 1, TensorShape = new TbTensorShape(), TensorContent = ByteString.CopyFrom(BitConverter.GetBytes(0.25f)) },
                        Metadata = new TbSummaryMetadata { PluginData = new TbPluginData { PluginName = "scalars" } },
                    },
                },
            },
        }.ToByteArray();
        var hp = new TensorBoardEventWriter(fileVersion: false);
        hp.HParams(("lr", Google.Protobuf.WellKnownTypes.Value.ForNumber(0.1)));
        var hparams = hp.ToArray()[12..^4];

        foreach (var payload in new[] { ev, hparams })
        {
            await Fuzz.RunAsync(payload, "events.out.tfevents.1.h.1.0", ImportAsync, iterations: 1500, seed: payload.Length,
                prepare: (dir, bytes) =>
                {
                    var w = new TensorBoardEventWriter();
                    w.WriteData(bytes);
                    w.Scalar("loss", 13, 0.4f);
                    w.WriteData(bytes);
                    var path = Path.Combine(dir, "events.out.tfevents.1.h.1.0");
                    File.WriteAllBytes(path, w.ToArray());
                    return path;
                });
        }
    }
}

using Runlens.Import;
using Runlens.Import.Tail;
using Runlens.Model;
using Runlens.Tests.Support;

namespace Runlens.Tests.Import.Tail;

/// <summary>Real TensorBoard runs copied into place piece by piece (records cut at any byte), tailed, against the
/// importer reading the same bytes.</summary>
public sealed class TensorBoardLogTailTests
{
    public static TheoryData<string> Runs() =>
    [
        "tensorboard-hf-trainer-hate-speech-loss-zero", "tensorboard-keras-tf2-imdb-overfit",
        "tensorboard-lightning-brain-tumor-nan-loss", "tensorboard-lightning-brain-tumor-healthy", "tensorboard-lightning-lstm-text-generation",
    ];

    [SharedTheory]
    [MemberData(nameof(Runs))]
    public async Task A_run_written_in_pieces_reads_as_the_importer_reads_it(string fixture)
    {
        using var dir = new TempDir();
        var source = Fixtures.Shared(fixture);
        var files = Directory.GetFiles(source, "events.out.tfevents.*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        var bytes = files.ToDictionary(f => f, File.ReadAllBytes);
        var targets = files.ToDictionary(f => f, f => Path.Combine(dir.Path, Path.GetRelativePath(source, f)));
        foreach (var yaml in Directory.GetFiles(source, "hparams.yaml"))
        {
            File.Copy(yaml, Path.Combine(dir.Path, "hparams.yaml"));
        }

        // every event file starts with its first record (the writer's file_version event), as a writer creates it
        var written = new Dictionary<string, int>();
        foreach (var f in files)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(targets[f])!);
            written[f] = Math.Min(bytes[f].Length, 64);
            await File.WriteAllBytesAsync(targets[f], bytes[f][..written[f]]);
        }

        using var tail = LogTails.TryOpen(dir.Path) ?? throw new InvalidOperationException("a folder of one TensorBoard run is tailable");
        var growing = files.Select(f => new GrowingFile(targets[f], bytes[f], written[f])).ToList();
        var compared = await TailAssert.AppendInPieces(tail, dir.Path, growing, length => length / 6, seed: 5);
        Assert.True(compared >= 3, $"{compared} looks compared");
    }

    [SharedFact]
    public async Task An_event_file_that_becomes_shorter_makes_the_run_be_read_again()
    {
        using var dir = new TempDir();
        var file = Directory.GetFiles(Fixtures.Shared("tensorboard-hf-trainer-hate-speech-loss-zero"), "events.out.tfevents.*").Single();
        var target = Path.Combine(dir.Path, Path.GetFileName(file));
        var bytes = await File.ReadAllBytesAsync(file);
        await File.WriteAllBytesAsync(target, bytes);
        using var tail = LogTails.TryOpen(target)!;
        var read = await TailAssert.RestartsWhenShortened(tail, target, bytes);
        var whole = await TailAssert.ImportWhole(target);
        Assert.Equal(whole.Series.Values.Sum(s => (long)s.Count), read.Points);
    }
}

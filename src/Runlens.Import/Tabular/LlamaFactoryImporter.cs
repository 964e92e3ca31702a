using Runlens.Import.Core;
using Runlens.Model;

namespace Runlens.Import.Tabular;

/// <summary>
/// LLaMA-Factory's <c>trainer_log.jsonl</c> (its <c>LogCallback</c>, one JSON object per Trainer log): the step is
/// <c>current_steps</c> (the Trainer's global step, not the line number), <c>total_steps</c> the run's max steps;
/// <c>loss</c>, <c>eval_loss</c>, <c>predict_loss</c>, <c>lr</c>, <c>reward</c> and <c>accuracy</c> are metrics under
/// the shared names (<c>train/loss</c>, <c>val/loss</c>, <c>test/loss</c>, <c>train/learning_rate</c>…), <c>epoch</c> the
/// epoch; <c>percentage</c>, <c>elapsed_time</c>, <c>remaining_time</c>, <c>throughput</c>, <c>total_tokens</c> and the
/// <c>vram_*</c> peaks count or time the training and give no series. A file, or the output folder holding it, is read
/// (a folder that also holds <c>trainer_state.json</c> is the Trainer's: that file holds the same logs and more).
/// </summary>
internal sealed class LlamaFactoryImporter : IRunImporter
{
    public const string FormatId = "llama-factory";
    public const string FileName = "trainer_log.jsonl";
    private const string Expected = "LLaMA-Factory's trainer_log.jsonl (one object per log: current_steps, total_steps, loss, lr, epoch, …)";

    private static readonly MetricTableOptions Options = new(["current_steps"], "train", Expected,
        new HashSet<string>(StringComparer.Ordinal) { "vram_allocated", "vram_reserved" });

    public string Format => FormatId;

    public int Detect(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path))
        {
            return File.Exists(Path.Combine(path, FileName)) ? 90 : 0;
        }

        if (!File.Exists(path) || !TabularSniff.HasExtension(path, ".jsonl", ".ndjson"))
        {
            return 0;
        }

        var first = TabularSniff.Head(path)?.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0);
        var ours = first is not null && first.StartsWith('{') && first.Contains("\"current_steps\"", StringComparison.Ordinal)
            && first.Contains("\"total_steps\"", StringComparison.Ordinal);
        var named = Path.GetFileName(path).Equals(FileName, StringComparison.OrdinalIgnoreCase);
        return ours ? (named ? 95 : 90) : named && first is null ? 50 : 0;
    }

    public async Task<ImportResult> ImportAsync(string path, ImportContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(context);
        var file = Directory.Exists(path) ? Path.Combine(path, FileName) : path;
        if (!File.Exists(file))
        {
            throw new RunImportException(file, null, Directory.Exists(path) ? "the folder holds no " + FileName : "no such file",
                "point at LLaMA-Factory's trainer_log.jsonl or the output folder holding it");
        }

        var table = await JsonlMetricReader.ReadAsync(file, Options, context, cancellationToken).ConfigureAwait(false);
        long? maxSteps = table.LastBookkeeping.TryGetValue("total_steps", out var total) && CellValue.Whole(total) is { } t && t > 0 ? t : null;
        return ImportResult.Of(new Run
        {
            Identity = new RunIdentity(RunIds.FromPath(file), RunNaming.ForFile(file), null, new RunSource(FormatId, file)),
            Series = table.Series,
            Trainer = new TrainerState { GlobalStep = table.MaxStep, Epoch = table.MaxEpoch, MaxSteps = maxSteps },
            Events = table.Events,
        });
    }
}

using Runlens.Import;
using Runlens.Import.Tabular;
using Runlens.Model;
using Runlens.Tests.Support;

namespace Runlens.Tests.Import.Tabular;

/// <summary>LLaMA-Factory's trainer_log.jsonl (tests/fixtures/import/llama-factory, shaped as its LogCallback writes it).</summary>
public sealed class LlamaFactoryImporterTests
{
    private static readonly string Folder = Fixtures.Test("import/llama-factory/sft-qwen-lora");
    private static readonly string File = Path.Combine(Folder, "trainer_log.jsonl");

    [Fact]
    public async Task Steps_are_the_trainers_global_steps_not_line_numbers_and_progress_is_no_metric()
    {
        var importer = ImporterCatalog.Detect(File);
        Assert.Equal(LlamaFactoryImporter.FormatId, importer.Format);
        var run = Assert.Single((await importer.ImportAsync(File, ImportContext.None)).Runs);

        Assert.Equal("sft-qwen-lora", run.Identity.Name);
        Assert.Equal([MetricNames.LearningRate, MetricNames.TrainLoss, MetricNames.ValLoss], run.Series.Keys);
        var loss = run.Get(MetricNames.TrainLoss)!;
        Assert.Equal(Enumerable.Range(1, 20).Select(i => i * 10L), loss.Steps()); // current_steps, logged every 10 steps
        Assert.Equal(2.2915, loss.First.Value); // the first line's "loss"
        Assert.Equal(0.1, loss.First.Epoch);
        Assert.Equal([50L, 100, 150, 200], run.Get(MetricNames.ValLoss)!.Steps());
        Assert.Equal(200, run.Trainer.MaxSteps); // total_steps
        Assert.Equal(200, run.Trainer.GlobalStep);
        Assert.Equal(2.0, run.Trainer.Epoch);
        var note = Assert.Single(run.Events);
        Assert.Equal(RunEventKind.Note, note.Kind);
        foreach (var name in new[] { "total_steps", "percentage", "elapsed_time", "remaining_time", "throughput", "total_tokens" })
        {
            Assert.Contains($"'{name}'", note.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_output_folder_is_read_unless_the_trainers_own_state_is_there()
    {
        Assert.Equal(LlamaFactoryImporter.FormatId, ImporterCatalog.Detect(Folder).Format);

        using var tmp = new TempDir();
        var folder = Path.GetDirectoryName(tmp.File("out/trainer_log.jsonl"))!;
        System.IO.File.Copy(File, Path.Combine(folder, "trainer_log.jsonl"));
        System.IO.File.WriteAllText(Path.Combine(folder, "trainer_state.json"), "{\"global_step\": 200, \"log_history\": []}");
        Assert.Equal("hf-trainer-state", ImporterCatalog.Detect(folder).Format);
    }

    [Fact]
    public async Task A_line_still_being_written_is_damage_when_read_whole_and_not_read_at_all_when_live()
    {
        using var tmp = new TempDir();
        var file = tmp.File("run/trainer_log.jsonl");
        await System.IO.File.WriteAllTextAsync(file, await System.IO.File.ReadAllTextAsync(File) + "{\"current_steps\": 210, \"total_st");
        var importer = new LlamaFactoryImporter();

        var run = Assert.Single((await importer.ImportAsync(file, ImportContext.None)).Runs);
        Assert.Equal(200, run.Get(MetricNames.TrainLoss)!.Last.Step);
        var cut = Assert.Single(run.Events, e => e.Kind == RunEventKind.ImportDamage);
        Assert.Equal("line 25", cut.Location);
        Assert.Contains("cut short", cut.Message, StringComparison.Ordinal);

        var live = Assert.Single((await importer.ImportAsync(file, new ImportContext { Live = true })).Runs);
        Assert.Equal(200, live.Get(MetricNames.TrainLoss)!.Last.Step);
        Assert.DoesNotContain(live.Events, e => e.Kind == RunEventKind.ImportDamage);
    }
}

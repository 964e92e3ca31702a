using Runlens.Import;
using Runlens.Import.HfTrainer;
using Runlens.Model;
using Runlens.Tests.Support;

namespace Runlens.Tests.Import.HfTrainer;

/// <summary>Real trainer_state.json files; expected values were read from the files with python3, not from this importer.</summary>
public sealed class HfTrainerRealRunTests
{
    private readonly HfTrainerImporter _importer = new();

    private async Task<Run> ImportAsync(string path)
    {
        var result = await _importer.ImportAsync(path, ImportContext.None);
        return Assert.Single(result.Runs);
    }

    [SharedTheory]
    [InlineData("hf-trainer-ner-medmentions-overfit")]
    [InlineData("hf-trainer-whisper-small-hindi-asr")]
    [InlineData("hf-trainer-tinyllama-sft-causal-lm")]
    [InlineData("hf-trainer-multi-eval-overfit")]
    [InlineData("hf-trainer-finance-news-sentiment")]
    [InlineData("hf-trainer-t5-text-simplification-loss-rises")]
    [InlineData("hf-trainer-roberta-log-classifier-plateau")]
    [InlineData("hf-trainer-summarization-empty-log-3-steps")]
    [InlineData("hf-trainer-vit-image-classification")]
    [InlineData("hf-trainer-bert-hate-speech-loss-zero")]
    [InlineData("hf-trainer-trocr-huge-grad-norm")]
    [InlineData("hf-trainer-dnabert2-eval-loss-rises-acc-improves")]
    [InlineData("hf-trainer-distilbert-hallucination-stops-early")]
    [InlineData("hf-trainer-mt5-summarization-rouge")]
    public async Task Every_real_trainer_folder_and_its_state_file_import_cleanly(string folder)
    {
        var dir = Fixtures.Shared(folder);
        Assert.Equal(90, _importer.Detect(dir));
        Assert.Equal(100, _importer.Detect(Path.Combine(dir, "trainer_state.json")));

        var run = await ImportAsync(dir);
        Assert.Equal("hf-trainer-state", run.Identity.Source.Format);
        Assert.Equal(folder, run.Identity.Name);
        Assert.Equal(RunIds.FromPath(dir), run.Identity.Id);
        Assert.Empty(run.Events.Where(e => e.Kind == RunEventKind.ImportDamage));
        Assert.NotNull(run.Trainer.GlobalStep);
        Assert.DoesNotContain(run.Series.Keys, k => k is "train/train_loss" or "train/total_flos" or "train/train_runtime");

        var fromFile = await ImportAsync(Path.Combine(dir, "trainer_state.json"));
        Assert.Equal(folder, fromFile.Identity.Name);
        Assert.Equal(run.Series.Keys, fromFile.Series.Keys);
    }

    [SharedFact]
    public async Task Reads_the_ner_run_whose_eval_loss_bottoms_at_epoch_2()
    {
        var run = await ImportAsync(Fixtures.Shared("hf-trainer-ner-medmentions-overfit"));

        var loss = run.Get(MetricNames.TrainLoss)!;
        Assert.Equal(55, loss.Count);
        Assert.Equal("loss", loss.OriginalName);
        Assert.Equal(new SeriesPoint(500, 0.8146, 0.1786033220217896), loss.First);
        Assert.Equal(27500, loss.Last.Step);
        Assert.Equal(0.0361, loss.Last.Value);
        Assert.Equal(3.0125367641448975, run.Get(MetricNames.GradNorm)!.First.Value);

        var val = run.Get(MetricNames.ValLoss)!;
        Assert.Equal(10, val.Count);
        Assert.Equal("eval_loss", val.OriginalName);
        var min = val.Points.MinBy(p => p.Value);
        Assert.Equal(0.5088770985603333, min.Value);
        Assert.Equal(2.0, min.Epoch);
        Assert.Equal(1.2323447465896606, val.Last.Value);
        Assert.Equal(9.996606536881586, val.Last.Epoch);
        Assert.Equal(10, run.Get("val/T017_f1")!.Count);

        Assert.Equal(0.1605932004709847, run.Summary["train_loss"]);
        Assert.Equal(18433.5541, run.Summary["train_runtime"]);
        Assert.Equal(22395, run.Dataset.TrainExamples);
        Assert.Equal(27990, run.Trainer.GlobalStep);
        Assert.Equal(27990, run.Trainer.MaxSteps);
        Assert.Null(run.Trainer.BestMetric);
        Assert.Null(run.Trainer.BestMetricKey);
        Assert.True(run.Trainer.ShouldTrainingStop);
        Assert.Equal(RunStatus.Finished, run.Status);

        Assert.Equal(500, run.Config.Number("logging_steps"));
        Assert.Equal(2, run.Config.Number("train_batch_size"));
        Assert.Equal("gpt_neo", run.Config.Get("model.model_type")!.Value.Text);
        Assert.Equal("[\"GPTNeoForTokenClassification\"]", run.Config.Get("model.architectures")!.Value.Text);
        Assert.Equal(2048, run.Config.Number("model.hidden_size"));
        Assert.DoesNotContain(run.Config.Values.Keys, k => k.Contains("id2label", StringComparison.Ordinal) || k.Contains("label2id", StringComparison.Ordinal));
        // arrays are one value written as Python's json.dumps writes them (the expected texts are json.dumps of config.json)
        Assert.Equal("[" + string.Join(", ", Enumerable.Repeat("\"global\", \"local\"", 12)) + "]", run.Config.Get("model.attention_layers")!.Value.Text);
        Assert.Equal("[[[\"global\", \"local\"], 12]]", run.Config.Get("model.attention_types")!.Value.Text);
    }

    [SharedFact]
    public async Task Infers_that_whisper_kept_the_lowest_word_error_rate()
    {
        var run = await ImportAsync(Fixtures.Shared("hf-trainer-whisper-small-hindi-asr"));

        Assert.False(run.Has(MetricNames.GradNorm));
        Assert.Equal(200, run.Get(MetricNames.TrainLoss)!.Count);
        var wer = run.Get("val/wer")!;
        Assert.Equal([1000L, 2000, 3000, 4000, 5000], wer.Steps());
        Assert.Equal(32.011343435198505, run.Trainer.BestMetric);
        Assert.Equal(4000, run.Trainer.BestStep);
        Assert.Equal("val/wer", run.Trainer.BestMetricKey);
        Assert.False(run.Trainer.GreaterIsBetter);
        Assert.Equal("./whisper-small-colab/checkpoint-4000", run.Trainer.BestCheckpoint);
        Assert.Equal(6540, run.Dataset.TrainExamples);
        Assert.Equal(2894, run.Dataset.EvalExamples);
        Assert.Equal(32.011343435198505, run.Summary["eval_wer"]);
    }

    [SharedFact]
    public async Task Reads_the_early_stopping_callback_of_the_tinyllama_run()
    {
        var run = await ImportAsync(Fixtures.Shared("hf-trainer-tinyllama-sft-causal-lm"));

        var es = run.Trainer.EarlyStopping!;
        Assert.Equal(4, es.Patience);
        Assert.Equal(0.0, es.Threshold);
        Assert.Equal(0, es.PatienceCounter);
        Assert.False(es.Fired);
        Assert.Equal(2800, run.Trainer.BestStep);
        Assert.Equal(2808, run.Trainer.MaxSteps);
        Assert.Equal("val/loss", run.Trainer.BestMetricKey);
        Assert.False(run.Trainer.GreaterIsBetter);
        Assert.False(run.Trainer.ShouldTrainingStop);
        Assert.Equal(RunStatus.Unknown, run.Status);
        Assert.Equal(186, run.Get(MetricNames.TrainLoss)!.Count);
        Assert.Equal(14, run.Get(MetricNames.ValLoss)!.Count);
        Assert.Equal(1.622266411781311, run.Get(MetricNames.ValLoss)!.First.Value);
        Assert.Equal(61440.0, run.Get("train/num_tokens")!.First.Value);
        Assert.True(run.Has("train/mean_token_accuracy"));
        Assert.Equal("LORA", run.Config.Get("adapter.peft_type")!.Value.Text);
        Assert.Equal(8, run.Config.Number("adapter.r"));
        Assert.Equal("[\"v_proj\", \"q_proj\"]", run.Config.Get("adapter.target_modules")!.Value.Text);
        Assert.DoesNotContain(run.Events, e => e.Kind == RunEventKind.EarlyStop);
    }

    [SharedFact]
    public async Task Reads_an_empty_log_history_without_error()
    {
        var run = await ImportAsync(Fixtures.Shared("hf-trainer-summarization-empty-log-3-steps"));

        Assert.Empty(run.Series);
        Assert.Empty(run.Events);
        Assert.Equal(3, run.Trainer.GlobalStep);
        Assert.Equal(3.0, run.Trainer.Epoch);
        Assert.Equal(10, run.Trainer.LoggingSteps);
        Assert.True(run.Trainer.ShouldTrainingStop);
        Assert.Null(run.Trainer.EarlyStopping);
        Assert.Equal(RunStatus.Finished, run.Status);
    }

    [SharedFact]
    public async Task Reads_the_hate_speech_checkpoint_with_its_model_config_and_zero_loss()
    {
        var dir = Fixtures.Shared("hf-trainer-bert-hate-speech-loss-zero");
        var run = await ImportAsync(dir);

        var checkpoint = Assert.Single(run.Checkpoints);
        Assert.Equal(1500, checkpoint.Step);
        Assert.Equal(Path.Combine(dir, "results", "checkpoint-1500"), checkpoint.Path);
        Assert.Equal("bert", run.Config.Get("model.model_type")!.Value.Text);
        Assert.Equal(3, run.Config.Number("model.num_labels"));
        Assert.Equal("[\"BertForSequenceClassification\"]", run.Config.Get("model.architectures")!.Value.Text);

        var loss = run.Get(MetricNames.TrainLoss)!;
        Assert.Equal(150, loss.Count);
        var zeros = loss.Points.Where(p => p.Value == 0.0).ToList();
        Assert.Equal(54, zeros.Count);
        Assert.Equal(970, zeros[0].Step);
        Assert.All(loss.Points.Where(p => p.Step >= 970), p => Assert.Equal(0.0, p.Value));
        Assert.Equal(1500, run.Trainer.BestStep); // from "./results\\checkpoint-1500"
        Assert.Equal("val/loss", run.Trainer.BestMetricKey);
        Assert.Null(run.Trainer.GreaterIsBetter); // a single eval: no direction to see
    }

    [SharedFact]
    public async Task Finds_macro_f1_as_the_finance_runs_best_metric()
    {
        var run = await ImportAsync(Fixtures.Shared("hf-trainer-finance-news-sentiment"));

        Assert.Equal(0.2460840305718579, run.Trainer.BestMetric);
        Assert.Equal(8280, run.Trainer.BestStep);
        Assert.Equal("val/macro_f1", run.Trainer.BestMetricKey);
        Assert.True(run.Trainer.GreaterIsBetter);
        Assert.Equal(10, run.Get("val/macro_f1")!.Count);
        Assert.Equal(5, run.Config.Number("model.num_labels"));
    }

    [SharedFact]
    public async Task Infers_the_best_metric_of_the_older_state_files()
    {
        var distil = await ImportAsync(Fixtures.Shared("hf-trainer-distilbert-hallucination-stops-early"));
        Assert.Equal(43, distil.Trainer.BestStep);
        Assert.Equal("val/f1", distil.Trainer.BestMetricKey);
        Assert.True(distil.Trainer.GreaterIsBetter);

        var dna = await ImportAsync(Fixtures.Shared("hf-trainer-dnabert2-eval-loss-rises-acc-improves"));
        Assert.Equal(800, dna.Trainer.BestStep);
        Assert.Equal("val/loss", dna.Trainer.BestMetricKey);
        Assert.False(dna.Trainer.GreaterIsBetter);
        Assert.Equal(11, dna.Get("val/matthews_correlation")!.Count);
    }

    [SharedFact]
    public async Task Reads_a_state_file_inside_a_checkpoint_folder_under_the_output_folders_name()
    {
        using var tmp = new TempDir();
        var state = tmp.File(Path.Combine("my-run", "checkpoint-1400", "trainer_state.json"));
        File.Copy(Path.Combine(Fixtures.Shared("hf-trainer-trocr-huge-grad-norm"), "trainer_state.json"), state);

        var run = await ImportAsync(state);

        Assert.Equal("my-run", run.Identity.Name);
        Assert.Equal(1400, Assert.Single(run.Checkpoints).Step);
        Assert.Equal(700, run.Get(MetricNames.TrainLoss)!.Count);
        Assert.Equal(7, run.Get(MetricNames.ValLoss)!.Count);
        Assert.Equal(2101523.0, run.Get(MetricNames.GradNorm)!.First.Value);
        Assert.Equal(5.2781, run.Get(MetricNames.TrainLoss)!.First.Value);
    }

    [Fact]
    public async Task Reads_six_eval_sets_of_the_multi_eval_run()
    {
        var run = await ImportAsync(Fixtures.Example("hf-trainer-multi-eval-overfit"));

        for (var g = 0; g < 6; g++)
        {
            var s = run.Get($"val/g{g}_loss")!;
            Assert.Equal(31, s.Count);
            Assert.Equal($"eval_g{g}_loss", s.OriginalName);
            Assert.Equal(0, s.First.Step);
            Assert.Equal(12030, s.Last.Step);
        }

        var g0 = run.Get("val/g0_loss")!;
        var min = g0.Points.MinBy(p => p.Value);
        Assert.Equal(1.113750696182251, min.Value);
        Assert.Equal(401, min.Step);
        Assert.Equal(2.7486727237701416, g0.Last.Value);
        Assert.Equal(0.7082294264339152, run.Get("val/g0_accuracy")!.First.Value);
        Assert.Equal(0.0, run.Get("val/g0_accuracy")!.First.Epoch);
        var loss = run.Get(MetricNames.TrainLoss)!;
        Assert.Equal(30, loss.Count);
        Assert.Equal(1.1074, loss.First.Value);
        Assert.Equal(0.0549, loss.Last.Value);
        Assert.Null(run.Trainer.BestMetric);
        Assert.Equal(30, run.Trainer.NumTrainEpochs);
    }

    [Fact]
    public async Task Reads_the_mt5_run_with_rouge_evals()
    {
        var run = await ImportAsync(Fixtures.Example("hf-trainer-mt5-summarization-rouge"));

        var loss = run.Get(MetricNames.TrainLoss)!;
        Assert.Equal(700, loss.Count);
        Assert.Equal(new SeriesPoint(10, 25.5062, 0.0), loss.First);
        var val = run.Get(MetricNames.ValLoss)!;
        Assert.Equal(70, val.Count);
        Assert.Equal(3.3984055519104004, val.First.Value);
        Assert.Equal(2.065276861190796, val.Last.Value);
        Assert.Equal(70, run.Get("val/rougeLsum")!.Count);
        Assert.Equal(7000, run.Trainer.GlobalStep);
        Assert.Equal(9411, run.Trainer.MaxSteps);
        Assert.Equal(RunStatus.Unknown, run.Status);
        Assert.Empty(run.Summary);
    }
}

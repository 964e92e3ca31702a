using System.Text;
using Runlens.Import;
using Runlens.Import.HfTrainer;
using Runlens.Tests.Support;

namespace Runlens.Tests.Import.HfTrainer;

/// <summary>Mutated copies of real and realistic inputs give a run or a <see cref="RunImportException"/> naming the file.</summary>
public sealed class HfTrainerFuzzTests
{
    private const string SmallState = """
        {
          "best_global_step": 20,
          "best_metric": 0.61,
          "best_model_checkpoint": "out\\checkpoint-20",
          "epoch": 2.0,
          "global_step": 20,
          "log_history": [
            {"epoch": 1.0, "grad_norm": NaN, "learning_rate": 5e-05, "loss": Infinity, "step": 10},
            {"epoch": 1.0, "eval_f1": 0.5, "eval_loss": -Infinity, "eval_runtime": 1.2, "step": 10},
            {"epoch": 2.0, "grad_norm": 1.25, "learning_rate": 2.5e-05, "loss": 0.75, "mean_token_accuracy": 0.5, "step": 20},
            {"epoch": 2.0, "eval_f1": 0.61, "eval_loss": 0.4, "step": 20},
            {"epoch": 2.0, "step": 20, "total_flos": 1e15, "train_loss": 0.9, "train_runtime": 3.5}
          ],
          "max_steps": 20,
          "stateful_callbacks": {
            "EarlyStoppingCallback": {"args": {"early_stopping_patience": 3, "early_stopping_threshold": 0.0}, "attributes": {"early_stopping_patience_counter": 0}},
            "TrainerControl": {"args": {"should_training_stop": true}, "attributes": {}}
          },
          "train_batch_size": 8
        }
        """;

    private readonly HfTrainerImporter _importer = new();

    [Fact]
    public async Task Survives_2000_mutations_of_a_real_trainer_state()
    {
        var bytes = await File.ReadAllBytesAsync(Path.Combine(Fixtures.Example("hf-trainer-multi-eval-overfit"), "trainer_state.json"));
        await Fuzz.RunAsync(bytes, "trainer_state.json", path => _importer.ImportAsync(path, ImportContext.None), iterations: 2000, seed: 1);
    }

    [Fact]
    public async Task Survives_1500_mutations_of_a_state_with_non_finite_literals_and_callbacks()
    {
        await Fuzz.RunAsync(Encoding.UTF8.GetBytes(SmallState), "trainer_state.json",
            path => _importer.ImportAsync(path, ImportContext.None), iterations: 1500, seed: 2);
    }

    [Fact]
    public async Task Survives_1000_mutations_of_the_side_files_of_an_output_folder()
    {
        var config = Encoding.UTF8.GetBytes("""
            {"architectures": ["BertForSequenceClassification"], "hidden_size": 768, "id2label": {"0": "a", "1": "b"},
             "label2id": {"a": 0, "b": 1}, "nested": {"x": [1, 2, 3], "y": {"z": null}}, "layer_norm_eps": 1e-12, "use_cache": true}
            """);
        var results = Encoding.UTF8.GetBytes("""{"epoch": 2.0, "eval_loss": NaN, "eval_samples": 100, "train_samples": 800, "train_runtime": 3.5}""");
        var state = Encoding.UTF8.GetBytes(SmallState);

        string Lay(string dir, string mutatedName, byte[] mutated)
        {
            var output = Path.Combine(dir, "out");
            Directory.CreateDirectory(Path.Combine(output, "checkpoint-20"));
            File.WriteAllBytes(Path.Combine(output, "checkpoint-20", "trainer_state.json"), state);
            File.WriteAllBytes(Path.Combine(output, "config.json"), mutatedName == "config.json" ? mutated : config);
            File.WriteAllBytes(Path.Combine(output, "all_results.json"), mutatedName == "all_results.json" ? mutated : results);
            return output;
        }

        await Fuzz.RunAsync(config, "config.json", path => _importer.ImportAsync(path, ImportContext.None),
            iterations: 500, seed: 3, prepare: (dir, bytes) => Lay(dir, "config.json", bytes));
        await Fuzz.RunAsync(results, "all_results.json", path => _importer.ImportAsync(path, ImportContext.None),
            iterations: 500, seed: 4, prepare: (dir, bytes) => Lay(dir, "all_results.json", bytes));
    }
}

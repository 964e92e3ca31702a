using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using Runlens.Import;
using Runlens.Import.TensorBoard;
using Runlens.Import.Wandb;
using Runlens.Model;
using Runlens.Tests.Support;

namespace Runlens.Tests.Import.Core;

/// <summary>
/// One set of hyperparameters written the way each trainer and logger stores it (tests/fixtures/import/config-cross-format:
/// make.py writes them with the same json, PyYAML and str() calls those writers make) gives one and the same config from
/// every format: the same keys and the same values, as docs/config.md says.
/// </summary>
public sealed class CrossFormatConfigTests
{
    private static readonly string Root = Fixtures.Test("import/config-cross-format");

    /// <summary>What docs/config.md says these hyperparameters become, written out by hand.</summary>
    private static readonly (string Key, ConfigValue Value)[] Expected =
    [
        ("adam_betas", ConfigValue.Of("[0.9, 0.999]")),
        ("fp16", ConfigValue.Of(true)),
        ("label_names", ConfigValue.Of("[]")),
        ("learning_rate", ConfigValue.Parse("5e-05")),
        ("lr_scheduler_kwargs.min_lr", ConfigValue.Parse("1e-07")),
        ("lr_scheduler_kwargs.power", ConfigValue.Parse("2")),
        ("max_grad_norm", ConfigValue.Parse("1")),
        ("network.activation", ConfigValue.Of("gelu")),
        ("network.dropout", ConfigValue.Parse("0.1")),
        ("network.hidden_sizes", ConfigValue.Of("[256, 128]")),
        ("num_train_epochs", ConfigValue.Parse("3")),
        ("optim", ConfigValue.Of("adamw_torch")),
        ("per_device_train_batch_size", ConfigValue.Parse("16")),
        ("report_to", ConfigValue.Of("[\"tensorboard\", \"wandb\"]")),
        ("resume_from_checkpoint", ConfigValue.Null),
        ("run_name", ConfigValue.Of("cross-format")),
        ("seed", ConfigValue.Parse("42")),
        ("warmup_ratio", ConfigValue.Parse("0.1")),
        ("weight_decay", ConfigValue.Parse("0")),
    ];

    /// <summary>What trainer_state.json itself records (the Trainer's own settings, read beside the TrainingArguments).</summary>
    private static readonly HashSet<string> StateKeys = new(StringComparer.Ordinal)
    {
        "max_steps", "logging_steps", "eval_steps", "save_steps", "train_batch_size",
    };

    private static async Task<Run> ImportAsync(string path) => Assert.Single((await ImporterCatalog.ImportAsync(path)).Runs);

    private static void AssertHyperparameters(Run run, Func<string, bool>? formatOwn = null)
    {
        var actual = run.Config.Values
            .Where(kv => !(formatOwn?.Invoke(kv.Key) ?? false))
            .Select(kv => (kv.Key, kv.Value))
            .ToArray();
        Assert.Equal(Expected, actual);
    }

    public static TheoryData<string> Folders() => new("hf", "lightning/version_0", "mlflow", "wandb", "callback");

    [Theory]
    [MemberData(nameof(Folders))]
    public async Task The_same_hyperparameters_give_the_same_config_from_every_file_format(string folder)
    {
        var run = await ImportAsync(Path.Combine(Root, folder));
        AssertHyperparameters(run, key => key.StartsWith("tags.", StringComparison.Ordinal) || StateKeys.Contains(key));
    }

    [Fact]
    public async Task The_same_hyperparameters_give_the_same_config_from_the_wandb_transaction_log()
    {
        using var tmp = new TempDir();
        using var items = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Root, "wandb-config-items.json")));
        var w = new WandbLogWriter();
        w.Write(WandbLogWriter.RunStart("abcd1234", "cross-format", 1_700_000_000));
        w.Write(WandbLogWriter.Config([.. items.RootElement.EnumerateArray().Select(i => (i[0].GetString()!, i[1].GetString()!))]));
        w.Write(WandbLogWriter.History(("loss", "0.5"), ("_step", "0")));
        var log = tmp.File("run-20240101_000000-abcd1234/run-abcd1234.wandb");
        await File.WriteAllBytesAsync(log, w.ToArray());

        var run = await ImportAsync(Path.GetDirectoryName(log)!);
        AssertHyperparameters(run);
    }

    [Fact]
    public async Task The_same_hyperparameters_give_the_same_config_from_tensorboard_with_lightnings_hparams_yaml()
    {
        using var tmp = new TempDir();
        var folder = await WriteLightningTensorBoardRunAsync(tmp);
        File.Copy(Path.Combine(Root, "lightning/version_0/hparams.yaml"), Path.Combine(folder, "hparams.yaml"));

        AssertHyperparameters(await ImportAsync(folder));
    }

    [Fact]
    public async Task Tensorboard_hparams_alone_give_the_same_config_except_booleans_torch_stored_as_numbers()
    {
        using var tmp = new TempDir();
        var run = await ImportAsync(await WriteLightningTensorBoardRunAsync(tmp));

        // torch.utils.tensorboard writes a bool as number_value (bool is an int in Python): the file holds 1, not true
        Assert.Equal(ConfigValue.Parse("1"), run.Config.Get("fp16"));
        AssertHyperparameters(run with { Config = run.Config.With("fp16", ConfigValue.Of(true)) });
    }

    /// <summary>An event file holding the hparams plugin data as Lightning's TensorBoardLogger writes it (the list in
    /// tensorboard-hparams.json: flattened with "/", non-scalars as str(), numbers and bools as number_value).</summary>
    private static async Task<string> WriteLightningTensorBoardRunAsync(TempDir tmp)
    {
        using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Root, "tensorboard-hparams.json")));
        var hparams = doc.RootElement.EnumerateArray().Select(h => (h[0].GetString()!, h[1].GetString() == "number"
            ? Value.ForNumber(h[2].GetDouble())
            : Value.ForString(h[2].GetString()))).ToArray();
        var w = new TensorBoardEventWriter();
        w.HParams(hparams);
        w.Scalar("train_loss", 10, 0.5f);
        var file = tmp.File("lightning_logs/version_0/events.out.tfevents.1700000000.host.1.0");
        await File.WriteAllBytesAsync(file, w.ToArray());
        return Path.GetDirectoryName(file)!;
    }
}

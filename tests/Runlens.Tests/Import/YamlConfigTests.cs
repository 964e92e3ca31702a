using Runlens.Import;
using Runlens.Import.Core;

namespace Runlens.Tests.Import;

/// <summary>The YAML config reader shared by Lightning hparams.yaml (TensorBoard and CSV runs) and W&amp;B config.yaml.</summary>
public sealed class YamlConfigTests
{
    [Fact]
    public void Nested_mappings_become_dotted_keys_and_lists_one_json_text()
    {
        var c = YamlConfig.Parse("hparams.yaml", "lr: 0.001\nmodel:\n  layers: 2\n  name: 'lstm'\nsizes: [1, 2, 3]\nflag: true\n", "skipped");
        Assert.Equal(0.001, c["lr"].Number);
        Assert.Equal(2, c["model.layers"].Number);
        Assert.Equal("lstm", c["model.name"].Text);
        Assert.Equal("[1, 2, 3]", c["sizes"].Text);
        Assert.True(c["flag"].Boolean);
    }

    [Fact]
    public void Wandb_desc_value_wrappers_are_unwrapped_and_its_own_keys_skipped()
    {
        const string text = "wandb_version: 1\n_wandb:\n  desc: null\n  value:\n    cli_version: 0.15\nlr:\n  desc: null\n  value: 2.0e-05\nmodel:\n  desc: null\n  value:\n    layers: 12\n";
        var c = Runlens.Import.Wandb.WandbConfigReader.FromYaml(YamlConfig.ParseTree("config.yaml", text, "skipped"));
        Assert.Equal(["lr", "model.layers"], c.Keys.Order(StringComparer.Ordinal).ToArray());
        Assert.Equal(2e-5, c["lr"].Number);
        Assert.Equal(12, c["model.layers"].Number);
    }

    [Fact]
    public void Deep_nesting_is_a_clean_error_not_a_stack_overflow()
    {
        var text = "a: " + new string('[', 200_000) + new string(']', 200_000) + "\n";
        var ex = Assert.Throws<RunImportException>(() => YamlConfig.Parse("hparams.yaml", text, "the hyperparameters in it are skipped"));
        Assert.StartsWith("line ", ex.Location, StringComparison.Ordinal);
    }

    [Fact]
    public void Broken_yaml_names_the_line()
    {
        var ex = Assert.Throws<RunImportException>(() => YamlConfig.Parse("hparams.yaml", "lr: 0.1\nmodel: [1, 2\nx: 3\n", "skipped"));
        Assert.Contains("not readable YAML", ex.Cause, StringComparison.Ordinal);
        Assert.NotNull(ex.Location);
    }
}

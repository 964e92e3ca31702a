using Runlens.Pipeline.Settings;
using Runlens.Tests.Support;

namespace Runlens.Tests.Pipeline;

/// <summary>One policy for rule options in every host: <c>--config FILE</c>, else <c>runlens.yaml</c> in the working
/// folder, then <c>--set</c> in order; a bad option is one line naming where it came from.</summary>
public sealed class SettingsLoaderTests
{
    [Fact]
    public void The_working_folders_runlens_yaml_is_read_and_set_wins_over_it()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("runlens.yaml"), "rules:\n  overfitting:\n    min_rise: 0.1\n  early-stopping:\n    patience: 5\n");
        var loaded = SettingsLoader.Load(null, ["early-stopping.patience=2"], dir.Path);
        Assert.Equal(0.1, loaded.Rules.Values["overfitting.min_rise"]);
        Assert.Equal(2, loaded.Rules.Values["early-stopping.patience"]);
        Assert.Equal(Path.Combine(dir.Path, "runlens.yaml"), loaded.File);
    }

    [Fact]
    public void Config_replaces_the_working_folders_file_and_without_either_the_defaults_apply()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("runlens.yaml"), "rules:\n  overfitting:\n    min_rise: 0.1\n");
        File.WriteAllText(dir.File("other.yaml"), "rules:\n  early-stopping:\n    patience: 7\n");
        var loaded = SettingsLoader.Load(dir.File("other.yaml"), [], dir.Path);
        Assert.Equal(["early-stopping.patience"], loaded.Rules.Values.Keys);

        using var empty = new TempDir();
        var defaults = SettingsLoader.Load(null, [], empty.Path);
        Assert.Empty(defaults.Rules.Values);
        Assert.Equal(PipelineSettings.Default.Hash, defaults.Hash);
        Assert.NotEqual(defaults.Hash, loaded.Hash);
    }

    [Fact]
    public void The_hash_depends_on_the_values_not_on_where_they_came_from()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("a.yaml"), "rules:\n  early-stopping:\n    patience: 7\n");
        Assert.Equal(SettingsLoader.Load(dir.File("a.yaml"), [], dir.Path).Hash, SettingsLoader.Load(null, ["early-stopping.patience=7.0"], dir.Path).Hash);
    }

    [Theory]
    [InlineData("rules:\n  no-such-rule:\n    x: 1\n", "line 3", "no rule 'no-such-rule'")]
    [InlineData("rules:\n  overfitting:\n    min_rise: lots\n", "line 3", "overfitting.min_rise must be a number")]
    [InlineData("rules: [\n", "line", "not valid YAML")]
    public void A_bad_options_file_is_one_line_naming_the_file_the_line_and_the_cause(string yaml, string line, string cause)
    {
        using var dir = new TempDir();
        var file = dir.File("runlens.yaml");
        File.WriteAllText(file, yaml);
        var error = Assert.Throws<FormatException>(() => SettingsLoader.Load(null, [], dir.Path));
        Assert.StartsWith(file, error.Message, StringComparison.Ordinal);
        Assert.Contains(line, error.Message, StringComparison.Ordinal);
        Assert.Contains(cause, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void A_missing_config_file_and_a_bad_set_say_what_to_do()
    {
        using var dir = new TempDir();
        var missing = Assert.Throws<FormatException>(() => SettingsLoader.Load(dir.File("nope.yaml"), [], dir.Path));
        Assert.Equal($"{dir.File("nope.yaml")}: no such options file; give an existing YAML file to --config (see `runlens rules` for the options)", missing.Message);
        var set = Assert.Throws<FormatException>(() => SettingsLoader.Load(null, ["overfitting.nope=1"], dir.Path));
        Assert.StartsWith("--set 'overfitting.nope=1': rule 'overfitting' has no option 'nope'; its options:", set.Message, StringComparison.Ordinal);
    }
}

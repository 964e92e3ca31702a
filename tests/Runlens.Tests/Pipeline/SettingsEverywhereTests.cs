using Runlens.Tests.Support;

namespace Runlens.Tests.Pipeline;

/// <summary>Every command that diagnoses takes <c>--config</c> and <c>--set</c> and reports a bad option the same way:
/// one line on stderr, exit code 1, before it reads, serves or runs anything.</summary>
public sealed class SettingsEverywhereTests
{
    [Theory]
    [InlineData("analyze", "RUN")]
    [InlineData("compare", "A", "B")]
    [InlineData("impact", "--experiment", "E")]
    [InlineData("serve", "--urls", "http://127.0.0.1:1")]
    [InlineData("mcp")]
    [InlineData("watch", "RUN")]
    [InlineData("run", "--", "python3", "-c", "raise SystemExit(7)")]
    public async Task A_missing_options_file_and_an_unknown_option_are_one_line_and_exit_1_in_every_command(params string[] command)
    {
        using var dir = new TempDir();
        var missing = dir.File("nope.yaml");
        var store = dir.File("none.db");
        var folder = Path.Combine(dir.Path, "rec");
        string[] Args(params string[] options) =>
            [command[0], .. options, .. command[0] == "run" ? (string[])["--out", folder] : ["--store", store], .. command[1..]];

        var r = await RunlensProcess.RunInAsync(dir.Path, Args("--config", missing));
        Assert.True(r.ExitCode == 1, $"{command[0]}: exit {r.ExitCode}: {r.StdErr}");
        Assert.Equal($"runlens: {missing}: no such options file; give an existing YAML file to --config (see `runlens rules` for the options)", r.StdErr.TrimEnd('\n'));

        var set = await RunlensProcess.RunInAsync(dir.Path, Args("--set", "overfitting.nope=1"));
        Assert.True(set.ExitCode == 1, $"{command[0]}: exit {set.ExitCode}: {set.StdErr}");
        Assert.StartsWith("runlens: --set 'overfitting.nope=1': rule 'overfitting' has no option 'nope'; its options:", set.StdErr, StringComparison.Ordinal);
        Assert.Single(set.StdErr.TrimEnd('\n').Split('\n'));

        // A runlens.yaml in the working folder is read by every command the same way.
        await File.WriteAllTextAsync(Path.Combine(dir.Path, "runlens.yaml"), "rules:\n  overfitting:\n    nope: 1\n");
        var file = await RunlensProcess.RunInAsync(dir.Path, Args());
        Assert.True(file.ExitCode == 1, $"{command[0]}: exit {file.ExitCode}: {file.StdErr}");
        Assert.StartsWith("runlens: runlens.yaml: line 3: 'overfitting.nope=1': rule 'overfitting' has no option 'nope'", file.StdErr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder), "run started the command despite the bad options");
    }
}

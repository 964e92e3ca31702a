using Runlens.Tests.Support;

namespace Runlens.Tests.Cli;

public sealed class AnalyzeCommandBadInputTests
{
    [Fact]
    public async Task A_missing_path_exits_2_with_one_line_on_stderr()
    {
        using var dir = new TempDir();
        var store = Path.Combine(dir.Path, "none.db");
        var r = await RunlensProcess.RunAsync("analyze", "/nonexistent/run", "--store", store);
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("", r.StdOut);
        var line = Assert.Single(r.StdErr.TrimEnd('\n').Split('\n'));
        Assert.Equal($"runlens: /nonexistent/run: no such file or folder, and no run with that id or name in the store ({store}). Give a log path, or a run from `runlens runs`.", line);
    }

    [Fact]
    public async Task Binary_garbage_exits_2_without_a_stack_trace()
    {
        using var dir = new TempDir();
        var file = dir.File("garbage.bin");
        var bytes = new byte[4096];
        new Random(7).NextBytes(bytes);
        await File.WriteAllBytesAsync(file, bytes);
        var r = await RunlensProcess.RunAsync("analyze", file);
        Assert.Equal(2, r.ExitCode);
        Assert.Single(r.StdErr.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("runlens: " + file, r.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_rule_option_is_a_usage_error_naming_the_choices()
    {
        var r = await RunlensProcess.RunAsync("analyze", "examples", "--set", "overfitting.nope=1");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("min_rise", r.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rules_lists_the_catalogue()
    {
        var r = await RunlensProcess.RunAsync("rules");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("RL0101  overfitting", r.StdOut, StringComparison.Ordinal);
    }
}

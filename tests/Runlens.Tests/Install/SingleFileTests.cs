using Runlens.Tests.Support;

namespace Runlens.Tests.Install;

/// <summary>
/// The self-contained single-file Linux x64 build, made by scripts/publish-linux-x64.sh and checked by
/// scripts/smoke-single-file.sh (the binary run from a fresh folder with no dotnet on PATH: <c>runlens analyze</c> of an
/// example, <c>runlens serve</c> answering /health). Building it takes minutes (runtime packs, a RID-specific build of
/// every project, ReadyToRun compilation of every assembly: 81 s on the idle 2-core machine, 424 s at load average
/// 35-40, 1,470 s with the SDK's default composite image), so it runs only when <c>RUNLENS_SINGLE_FILE=1</c> is set,
/// which ./test.sh (and so CI) does unless told otherwise (<c>RUNLENS_SINGLE_FILE=0 ./test.sh</c>). It shares a
/// collection with <see cref="DotnetToolTests"/>: both publish src/Runlens.Cli for linux-x64 into the same obj/ folder.
/// </summary>
[Collection(nameof(DotnetToolTests))]
public sealed class SingleFileTests
{
    [SingleFileFact]
    public async Task The_single_file_build_analyzes_an_example_and_serves_health_without_dotnet_on_path()
    {
        using var dir = new TempDir();
        var output = Path.Combine(dir.Path, "linux-x64");
        var publish = await InstallProcess.RunAsync("bash", [Path.Combine(Fixtures.RepoRoot, "scripts", "publish-linux-x64.sh"), output], timeoutSeconds: 1200);
        Assert.True(publish.ExitCode == 0, publish.ToString());
        var binary = Path.Combine(output, "runlens");
        Assert.True(File.Exists(binary));
        Assert.Equal(["runlens"], Directory.GetFiles(output).Select(Path.GetFileName)); // one file, nothing beside it

        var smoke = await InstallProcess.RunAsync("bash", [Path.Combine(Fixtures.RepoRoot, "scripts", "smoke-single-file.sh"), binary], timeoutSeconds: 300);
        Assert.True(smoke.ExitCode == 0, smoke.ToString());
        Assert.Contains("3 passed, 0 failed", smoke.StdOut, StringComparison.Ordinal);
    }
}


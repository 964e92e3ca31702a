using System.Reflection.PortableExecutable;
using System.Text.Json;
using Runlens.Tests.Support;

namespace Runlens.Tests.Install;

/// <summary>
/// Installing without a clone: <c>dotnet pack</c> of src/Runlens.Cli makes the .NET tool package <c>runlens</c> (a pointer
/// package, a ReadyToRun-compiled <c>runlens.linux-x64</c> package and a portable <c>runlens.any</c> one for every other
/// platform), a real <c>dotnet tool install --tool-path</c> installs it from that folder alone (a NuGet config with no
/// other source, and a package cache of its own so no earlier copy is reused), picks the linux-x64 package, whose
/// assemblies carry precompiled code, and the installed <c>runlens</c> command diagnoses an example exactly as the built
/// one does.
/// </summary>
[Collection(nameof(DotnetToolTests))]
public sealed class DotnetToolTests
{
    [Fact]
    public async Task Dotnet_pack_makes_a_tool_that_dotnet_tool_install_puts_in_a_tool_path_and_it_runs()
    {
        using var dir = new TempDir();
        var packages = Path.Combine(dir.Path, "packages");
        var environment = new Dictionary<string, string?>
        {
            ["NUGET_PACKAGES"] = Path.Combine(dir.Path, "nuget-cache"),
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
        };
        var project = Path.Combine(Fixtures.RepoRoot, "src", "Runlens.Cli", "Runlens.Cli.csproj");
        // the RID-specific packages are published (and ReadyToRun-compiled) by the pack itself, so no --no-build
        var pack = await InstallProcess.RunAsync("dotnet", ["pack", project, "-c", "Release", "-o", packages], environment: environment, timeoutSeconds: 1200);
        Assert.True(pack.ExitCode == 0, pack.ToString());
        Assert.Equal(
            ["runlens.0.1.0.nupkg", "runlens.any.0.1.0.nupkg", "runlens.linux-x64.0.1.0.nupkg"],
            Directory.GetFiles(packages, "*.nupkg").Select(Path.GetFileName).Order(StringComparer.Ordinal));

        var config = Path.Combine(dir.Path, "nuget.config");
        await File.WriteAllTextAsync(config, """
            <?xml version="1.0" encoding="utf-8"?>
            <configuration><packageSources><clear /></packageSources></configuration>
            """);
        var tools = Path.Combine(dir.Path, "tools");
        var install = await InstallProcess.RunAsync("dotnet", ["tool", "install", "--tool-path", tools, "--configfile", config, "--add-source", packages, "runlens"], environment: environment);
        Assert.True(install.ExitCode == 0, install.ToString());
        Assert.Contains("runlens", install.StdOut, StringComparison.Ordinal);

        var tool = Path.Combine(tools, "runlens");
        Assert.True(File.Exists(tool), "no runlens command in the tool path: " + install);
        var installedDll = Assert.Single(Directory.GetFiles(Path.Combine(tools, ".store"), "runlens.dll", SearchOption.AllDirectories));
        Assert.Contains($"{Path.DirectorySeparatorChar}runlens.linux-x64{Path.DirectorySeparatorChar}", installedDll, StringComparison.Ordinal);
        Assert.True(IsReadyToRun(installedDll), installedDll + " has no ReadyToRun code");
        Assert.False(IsReadyToRun(Path.Combine(Path.GetDirectoryName(typeof(Runlens.Cli.Program).Assembly.Location)!, "runlens.dll")), "the test build should stay IL only");
        var example = Fixtures.Example("hf-trainer-multi-eval-overfit");
        var installed = await InstallProcess.RunAsync(tool, ["analyze", example, "--format", "json"], environment: new Dictionary<string, string?> { ["NO_COLOR"] = "1" });
        Assert.True(installed.ExitCode == 0, installed.ToString());
        using var doc = JsonDocument.Parse(installed.StdOut);
        Assert.Equal("runlens.diagnosis/v2", doc.RootElement.GetProperty("schema").GetString());
        var built = await RunlensProcess.RunAsync("analyze", example, "--format", "json");
        Assert.Equal(built.StdOut, installed.StdOut);

        var version = await InstallProcess.RunAsync(tool, ["--version"]);
        Assert.StartsWith("0.1.0", version.StdOut, StringComparison.Ordinal);
    }

    /// <summary>Whether the assembly carries ReadyToRun (precompiled) code: its CLR header points at a native header.</summary>
    private static bool IsReadyToRun(string assembly)
    {
        using var pe = new PEReader(File.OpenRead(assembly));
        return pe.PEHeaders.CorHeader is { ManagedNativeHeaderDirectory.Size: > 0 };
    }
}

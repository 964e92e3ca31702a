using System.Diagnostics;
using System.Text.Json;
using Runlens.Tests.Support;

namespace Runlens.Tests.Clients;

/// <summary>
/// A virtual environment made with Debian's python3-venv (<c>/usr/bin/python3 -m venv --system-site-packages</c>, so
/// Debian's python3-torch is importable in it) with the Python package installed by a real
/// <c>pip install --no-build-isolation --no-index</c> of a copy of clients/python (no package index here: the
/// environment's own setuptools builds it). Made once per test run, on first use, and deleted after the tests that use it (<see cref="PythonVenvCleanup"/>); its <c>python</c> runs the client
/// loops with the framework stand-ins of tests/fixtures/clients/standins on <c>PYTHONPATH</c>.
/// </summary>
internal sealed class PythonVenv
{
    private static readonly Lazy<Task<PythonVenv>> Shared = new(CreateAsync);

    private PythonVenv(string folder, string installLog)
    {
        Folder = folder;
        InstallLog = installLog;
    }

    public string Folder { get; }

    public string Python => Path.Combine(Folder, "bin", "python");

    /// <summary>What pip printed.</summary>
    public string InstallLog { get; }

    private static volatile string? _root;

    public static Task<PythonVenv> GetAsync() => Shared.Value;

    /// <summary>Deletes the environment's folder when one was made.</summary>
    public static void DeleteMade()
    {
        if (_root is { } root)
        {
            DeleteQuietly(root);
        }
    }

    private static async Task<PythonVenv> CreateAsync()
    {
        var root = Directory.CreateTempSubdirectory("runlens-venv-").FullName;
        _root = root;
        var venv = Path.Combine(root, "venv");
        var made = await RunAsync(TorchFactAttribute.Python, ["-m", "venv", "--system-site-packages", venv]);
        if (made.ExitCode != 0)
        {
            throw new InvalidOperationException($"python3 -m venv failed (apt-get install python3-venv): {made.StdErr}");
        }

        // pip builds in the source folder (build/, *.egg-info): install from a copy so the checkout stays clean
        var source = Path.Combine(root, "src");
        CopyFolder(Path.Combine(Fixtures.RepoRoot, "clients", "python"), source);
        var pip = await RunAsync(Path.Combine(venv, "bin", "python"), ["-m", "pip", "install", "--no-build-isolation", "--no-index", "--no-deps", "--disable-pip-version-check", source]);
        if (pip.ExitCode != 0)
        {
            throw new InvalidOperationException($"pip install failed: {pip.StdOut}\n{pip.StdErr}");
        }

        return new PythonVenv(venv, pip.StdOut + pip.StdErr);
    }

    /// <summary>Runs the venv's python with <paramref name="args"/> from a neutral folder (so nothing of the checkout is
    /// importable but what PYTHONPATH names: the stand-ins and the loops' helpers, never clients/python).</summary>
    public async Task<Child> RunAsync(string[] args, Action<string, Action<int>>? onLine = null, string? barrierFolder = null)
    {
        var psi = new ProcessStartInfo(Python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["PYTHONPATH"] = Fixtures.Test(Path.Combine("clients", "standins")) + ":" + Fixtures.Test("clients");
        psi.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        foreach (var name in new[] { "RUNLENS_RUN_DIR", "RUNLENS_SERVER", "RUNLENS_CONTROL", "RUNLENS_TOKEN" })
        {
            psi.Environment.Remove(name);
        }

        var lines = new List<string>();
        using var p = new Process { StartInfo = psi };
        p.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (lines)
            {
                lines.Add(e.Data);
            }

            onLine?.Invoke(e.Data, step => File.WriteAllText(Path.Combine(barrierFolder!, $"go-{step}"), ""));
        };
        p.Start();
        p.BeginOutputReadLine();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw new Xunit.Sdk.XunitException("the python child did not finish within 120 s: " + string.Join("\n", lines));
        }

        p.WaitForExit();
        return new Child(p.ExitCode, lines, await stderr);
    }

    private static async Task<(int ExitCode, string StdOut, string StdErr)> RunAsync(string file, string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(300));
        await p.WaitForExitAsync(cts.Token);
        return (p.ExitCode, await stdout, await stderr);
    }

    private static void DeleteQuietly(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // a file still open at exit: the temporary folder is left for the system to clean
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(from, file);
            if (relative.Split(Path.DirectorySeparatorChar).Any(part => part is "__pycache__" or "build" || part.EndsWith(".egg-info", StringComparison.Ordinal)))
            {
                continue;
            }

            var target = Path.Combine(to, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    /// <summary>A finished child: exit code, stdout lines, stderr.</summary>
    internal sealed record Child(int ExitCode, List<string> Lines, string StdErr)
    {
        /// <summary>The JSON of every stdout line that starts with <paramref name="tag"/>.</summary>
        public List<JsonElement> Tagged(string tag) =>
            [.. Lines.Where(l => l.StartsWith(tag + " ", StringComparison.Ordinal)).Select(l => JsonDocument.Parse(l[(tag.Length + 1)..]).RootElement.Clone())];
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Runlens.Tests.Support;

namespace Runlens.Tests.Pipeline;

/// <summary>A real <c>runlens serve</c> child process (the built runlens.dll next to the tests) on a free loopback port,
/// killed on dispose.</summary>
internal sealed class ServeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _stdErr;

    private ServeProcess(Process process, List<string> stdErr, Uri address)
    {
        _process = process;
        _stdErr = stdErr;
        Http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
    }

    public HttpClient Http { get; }

    /// <summary>The server process' id (to read its /proc entries).</summary>
    public int ProcessId => _process.Id;

    public string StdErr
    {
        get
        {
            lock (_stdErr)
            {
                return string.Join('\n', _stdErr);
            }
        }
    }

    /// <summary>Starts <c>runlens serve --urls http://127.0.0.1:PORT ARGS...</c> and waits until <c>/health</c> answers.</summary>
    public static Task<ServeProcess> StartAsync(string workingDirectory, params string[] args) =>
        StartAsync(workingDirectory, new Dictionary<string, string>(), args);

    /// <summary>The same, with these environment variables set for the server.</summary>
    public static async Task<ServeProcess> StartAsync(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var address = new Uri($"http://127.0.0.1:{port}/");
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var a in (string[])[Path.Combine(AppContext.BaseDirectory, "runlens.dll"), "serve", "--urls", address.ToString().TrimEnd('/'), .. args])
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var (name, value) in environment)
        {
            psi.Environment[name] = value;
        }

        var errors = new List<string>();
        var process = new Process { StartInfo = psi };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                lock (errors)
                {
                    errors.Add(line);
                }
            }
        };
        process.OutputDataReceived += (_, _) => { };
        process.Start();
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var server = new ServeProcess(process, errors, address);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var health = await server.Http.GetAsync("health");
                if (health.IsSuccessStatusCode)
                {
                    return server;
                }
            }
            catch (HttpRequestException)
            {
            }

            if (process.HasExited || clock.Elapsed > TimeSpan.FromSeconds(60))
            {
                var why = process.HasExited ? $"exited with {process.ExitCode}" : "did not answer within 60 s";
                await server.DisposeAsync();
                throw new InvalidOperationException($"runlens serve {why}: {server.StdErr}");
            }

            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}

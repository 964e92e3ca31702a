using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Runlens.Bench.Soak;

/// <summary>
/// A <c>runlens serve</c> process on 127.0.0.1 beside this assembly's <c>runlens.dll</c>: started, waited for until it
/// answers <c>/health</c>, and a free port for it. Shared by the multi-server bench and the server tests, which compile
/// this file in.
/// </summary>
internal static class ServeProcess
{
    /// <summary>Starts <c>runlens serve --store STORE --urls http://127.0.0.1:PORT</c> with <paramref name="more"/>
    /// arguments; its output is read and dropped.</summary>
    public static Process Start(string store, int port, params string[] more)
    {
        var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "runlens.dll"), "serve", "--store", store, "--urls", $"http://127.0.0.1:{port}" }.Concat(more))
        {
            psi.ArgumentList.Add(a);
        }

        var p = Process.Start(psi)!;
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    /// <summary>Waits until <c>/health</c> answers with success, asking every 50 ms.</summary>
    /// <exception cref="TimeoutException">No success within <paramref name="limit"/>.</exception>
    public static async Task WaitUntilUpAsync(HttpClient http, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < limit)
        {
            try
            {
                using var response = await http.GetAsync("/health");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"a server did not answer /health within {limit.TotalSeconds:0} s");
    }

    /// <summary>A TCP port on 127.0.0.1 that nothing listens on now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

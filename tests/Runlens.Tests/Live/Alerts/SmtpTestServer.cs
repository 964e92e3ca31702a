using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Runlens.Tests.Support;

namespace Runlens.Tests.Live.Alerts;

/// <summary>A real SMTP server on a free 127.0.0.1 port: Debian's aiosmtpd run by <c>smtp_server.py</c> beside this file, in
/// a child process. Every event it reports (an AUTH, a refused DATA, a message parsed by Python's email package) is kept in
/// <see cref="Events"/>.</summary>
internal sealed class SmtpTestServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Task _reader;
    private readonly Task<string> _stderr;

    private SmtpTestServer(Process process, int port)
    {
        _process = process;
        Port = port;
        _stderr = process.StandardError.ReadToEndAsync();
        _reader = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                Events.Enqueue(JsonDocument.Parse(line).RootElement.Clone());
            }
        });
    }

    public int Port { get; }

    public ConcurrentQueue<JsonElement> Events { get; } = new();

    public IReadOnlyList<JsonElement> Of(string type) => [.. Events.Where(e => e.GetProperty("type").GetString() == type)];

    /// <param name="refuse">Answer the first <c>Count</c> DATA commands with <c>Code</c> (451: try later; 550: refused).</param>
    /// <param name="login">Require AUTH with these credentials.</param>
    public static async Task<SmtpTestServer> StartAsync((int Count, int Code)? refuse = null, (string User, string Password)? login = null)
    {
        var psi = new ProcessStartInfo(SmtpFactAttribute.Python)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(Path.Combine(Fixtures.RepoRoot, "tests", "Runlens.Tests", "Live", "Alerts", "smtp_server.py"));
        if (refuse is { } r)
        {
            psi.ArgumentList.Add("--refuse");
            psi.ArgumentList.Add(r.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
            psi.ArgumentList.Add(r.Code.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (login is { } l)
        {
            psi.ArgumentList.Add("--auth");
            psi.ArgumentList.Add(l.User);
            psi.ArgumentList.Add(l.Password);
        }

        var process = Process.Start(psi)!;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var first = await process.StandardOutput.ReadLineAsync(cts.Token);
        if (first is null || !first.StartsWith("PORT ", StringComparison.Ordinal))
        {
            var err = await process.StandardError.ReadToEndAsync(cts.Token);
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw new InvalidOperationException($"smtp_server.py did not start: {first} {err}");
        }

        return new SmtpTestServer(process, int.Parse(first[5..], System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Waits until <paramref name="count"/> events of <paramref name="type"/> have arrived (the server reports them
    /// after it answers, so a client may finish first).</summary>
    public async Task<IReadOnlyList<JsonElement>> WaitForAsync(string type, int count)
    {
        var until = DateTime.UtcNow.AddSeconds(10);
        while (Of(type).Count < count && DateTime.UtcNow < until)
        {
            await Task.Delay(20);
        }

        return Of(type);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close(); // the server stops when its stdin closes
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _reader;
        await _stderr;
        _process.Dispose();
    }
}

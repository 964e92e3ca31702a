using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Runlens.Model;
using Runlens.Storage;
using Runlens.Tests.Support;

namespace Runlens.Tests.Server;

/// <summary>
/// Clients that ask for a long series whole and stop reading cannot starve the others: real TCP sockets with small
/// receive buffers send the request and never read, more of them than there are turns; a whole-series read by a client
/// that does read still gets every point, and the stalled connections are closed by the server after the stall limit,
/// cut short.
/// </summary>
public sealed class StalledReaderTests
{
    private const int Points = 1_000_000;

    [Fact]
    public async Task Clients_that_stop_reading_long_series_hold_no_turn_and_are_cut_off_after_the_stall_limit()
    {
        await using var server = await TestServer.StartAsync(configure: (_, o) => o with { SeriesStallLimit = TimeSpan.FromSeconds(3) });
        await server.Store.CreateRunAsync(new NewRun("long", "long", null, "api", DateTimeOffset.UtcNow));
        await server.Store.ApplyAsync("long", new RunChanges
        {
            Points = [new MetricPoints("loss", [.. Enumerable.Range(0, Points).Select(i => new SeriesPoint(i, 1.0 / (1 + i), double.NaN, 1_700_000_000 + (i / 10.0)))])],
        });

        // Twice as many stalled readers as there are turns: each sends its request, then never reads.
        var stalled = new List<Socket>();
        try
        {
            for (var i = 0; i < 8; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
                await socket.ConnectAsync(server.Address.Host, server.Address.Port);
                await socket.SendAsync(Encoding.ASCII.GetBytes($"GET /api/runs/long/series/loss HTTP/1.1\r\nHost: {server.Address.Authority}\r\n\r\n"));
                stalled.Add(socket);
            }

            await Task.Delay(500); // their answers start and fill the sockets' buffers

            // A client that reads gets the whole series while they stall.
            var clock = Stopwatch.StartNew();
            using var response = await server.Http.GetAsync("/api/runs/long/series/loss");
            var body = await response.Content.ReadAsByteArrayAsync();
            clock.Stop();
            Assert.True(response.IsSuccessStatusCode, $"status {(int)response.StatusCode}");
            using var doc = JsonDocument.Parse(body);
            Assert.Equal(Points, doc.RootElement.GetProperty("steps").GetArrayLength());
            Assert.Equal(Points, doc.RootElement.GetProperty("values").GetArrayLength());

            // The stalled connections were closed by the server, their answers cut short.
            await Task.Delay(TimeSpan.FromSeconds(4));
            foreach (var socket in stalled)
            {
                var (received, closed) = await DrainAsync(socket, TimeSpan.FromSeconds(30));
                Assert.True(closed, $"a stalled connection was still open after the stall limit ({received:N0} bytes read)");
                Assert.True(received < body.Length, $"a stalled client got {received:N0} bytes, the whole answer is {body.Length:N0}");
            }
        }
        finally
        {
            foreach (var socket in stalled)
            {
                socket.Dispose();
            }
        }
    }

    /// <summary>Reads what the server sent until it closes the connection (or resets it), or the time is up.</summary>
    private static async Task<(long Received, bool Closed)> DrainAsync(Socket socket, TimeSpan limit)
    {
        var buffer = new byte[1 << 16];
        long received = 0;
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            while (true)
            {
                var n = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
                if (n == 0)
                {
                    return (received, true);
                }

                received += n;
            }
        }
        catch (SocketException)
        {
            return (received, true); // reset by the server
        }
        catch (OperationCanceledException)
        {
            return (received, false);
        }
    }
}

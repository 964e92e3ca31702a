using Runlens.Fuzzing;
using Runlens.Tests.Support;

namespace Runlens.Tests.Fuzzing;

/// <summary>
/// Every committed fuzz input — the minimised corpora AFL++ grew (<c>fuzz/corpus/TARGET</c>) and the inputs that once
/// crashed or hung a reader (<c>fuzz/regressions/TARGET</c>) — replayed through its target: each is read, or refused with
/// an exception type the reader documents, within a few seconds. The fuzzing itself is <c>fuzz/run.sh</c>.
/// </summary>
public sealed class CorpusReplayTests
{
    private static readonly TimeSpan PerInput = TimeSpan.FromSeconds(10);

    public static TheoryData<string> Targets() => [.. FuzzTargets.All.Select(t => t.Name)];

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Every_committed_input_is_read_or_refused_with_a_documented_error_in_time(string name)
    {
        var target = FuzzTargets.Find(name)!;
        var files = new[] { "corpus", "regressions" }.Select(kind => Path.Combine(Fixtures.RepoRoot, "fuzz", kind, name)).Where(Directory.Exists)
            .SelectMany(Directory.EnumerateFiles).Where(f => Path.GetFileName(f) != "README.txt").Order(StringComparer.Ordinal).ToList();
        Assert.True(files.Count > 0, $"no corpus for {name} under fuzz/corpus/{name}");
        foreach (var file in files)
        {
            var input = await File.ReadAllBytesAsync(file);
            Exception? refusal;
            try
            {
                refusal = await Task.Run(() => target.Feed(input)).WaitAsync(PerInput);
            }
            catch (TimeoutException)
            {
                throw new Xunit.Sdk.XunitException($"{name}: {Path.GetFileName(file)} was not answered within {PerInput.TotalSeconds} s");
            }
            catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
            {
                throw new Xunit.Sdk.XunitException($"{name}: {Path.GetFileName(file)} ended in {ex.GetType().Name}, which the reader does not document: {ex}");
            }

            if (refusal is not null)
            {
                Assert.False(string.IsNullOrWhiteSpace(refusal.Message), $"{name}: {Path.GetFileName(file)}: a refusal without a message");
            }
        }
    }

    [Fact]
    public async Task The_points_bodies_that_crashed_the_parser_with_invalid_UTF8_are_400s_from_the_server()
    {
        await using var server = await TestServer.StartAsync();
        await server.Store.CreateRunAsync(new Runlens.Storage.NewRun("r", "r", null, "api", DateTimeOffset.UtcNow));
        foreach (var file in Directory.EnumerateFiles(Path.Combine(Fixtures.RepoRoot, "fuzz", "regressions", "native-points")))
        {
            using var content = new ByteArrayContent(await File.ReadAllBytesAsync(file));
            content.Headers.ContentType = new("application/json");
            using var response = await server.Http.PostAsync("/api/runs/r/points", content);
            Assert.True(response.StatusCode == System.Net.HttpStatusCode.BadRequest, $"{Path.GetFileName(file)}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }
}

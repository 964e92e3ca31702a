namespace Runlens.Tests.Support;

/// <summary>Where test inputs live: the repo's own copies (permissive licences) and the shared corpus beside the checkout.</summary>
internal static class Fixtures
{
    private static readonly Lazy<string> RepoRootLazy = new(FindRepoRoot);
    private static readonly Lazy<string?> SharedRealLazy = new(FindSharedReal);

    /// <summary>The repository root (the folder holding Runlens.slnx).</summary>
    public static string RepoRoot => RepoRootLazy.Value;

    /// <summary><c>shared/fixtures/real</c> beside the checkout (or in an ancestor folder, or $RUNLENS_SHARED), or null.</summary>
    public static string? SharedReal => SharedRealLazy.Value;

    public const string SharedMissing =
        "shared/fixtures/real was not found beside the checkout (looked in every ancestor folder and $RUNLENS_SHARED); "
        + "these tests read the whole shared corpus and run only where it is present";

    /// <summary>A real run from the shared corpus; only call from a <see cref="SharedFactAttribute"/> test.</summary>
    public static string Shared(string folder) =>
        Path.Combine(SharedReal ?? throw new InvalidOperationException(SharedMissing), folder);

    /// <summary>A real run copied into <c>examples/</c> (permissive licence).</summary>
    public static string Example(string folder) => Path.Combine(RepoRoot, "examples", folder);

    /// <summary>Every real run in <c>examples/</c>: its folders except the <c>runlens agent</c> examples (<c>agent-*</c>),
    /// which hold a goal and an agent config rather than a training log.</summary>
    public static IEnumerable<string> RunExamples() =>
        Directory.GetDirectories(Path.Combine(RepoRoot, "examples")).Where(d => !Path.GetFileName(d).StartsWith("agent-", StringComparison.Ordinal));

    /// <summary>A fixture in <c>tests/fixtures/</c>.</summary>
    public static string Test(string relative) => Path.Combine(RepoRoot, "tests", "fixtures", relative);

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Runlens.slnx")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Runlens.slnx not found above " + AppContext.BaseDirectory);
    }

    private static string? FindSharedReal()
    {
        var env = Environment.GetEnvironmentVariable("RUNLENS_SHARED");
        if (!string.IsNullOrEmpty(env))
        {
            var p = Path.Combine(env, "fixtures", "real");
            return Directory.Exists(p) ? p : null;
        }

        for (var dir = new DirectoryInfo(RepoRoot); dir is not null; dir = dir.Parent)
        {
            var p = Path.Combine(dir.FullName, "shared", "fixtures", "real");
            if (Directory.Exists(p))
            {
                return p;
            }
        }

        return null;
    }
}

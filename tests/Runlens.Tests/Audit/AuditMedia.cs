using System.Diagnostics;
using System.Text.Json;

namespace Runlens.Tests.Audit;

/// <summary>
/// The test media, made once per test run by <c>Media/make_media.py</c> (Debian's python3 with PIL, NumPy, OpenCV,
/// SciPy, scikit-image and scikit-learn; espeak-ng, sox, flac, oggenc, lame) into a temporary folder, with the flags
/// every example must get (<c>expected.json</c>) and the reference measures (<c>reference.json</c>).
/// </summary>
internal static class AuditMedia
{
    public const string Python = "/usr/bin/python3";

    private static readonly string[] Tools = ["espeak-ng", "sox", "flac", "oggenc", "lame"];
    private static readonly Lazy<(string? Root, string? Missing)> Made = new(Make);
    private static readonly Lazy<Dictionary<string, string[]>> ExpectedFile = new(() =>
        JsonSerializer.Deserialize<Dictionary<string, string[]>>(File.ReadAllText(Path("expected.json")))!);

    /// <summary>Why the media cannot be made here, or null.</summary>
    public static string? Missing => Made.Value.Missing;

    public static string Root => Made.Value.Root ?? throw new InvalidOperationException(Missing);

    public static string Path(string relative) => System.IO.Path.Combine(Root, relative);

    /// <summary>The flags each example must have, by path relative to the media folder.</summary>
    public static IReadOnlyDictionary<string, string[]> Expected => ExpectedFile.Value;

    public static JsonElement Reference => JsonDocument.Parse(File.ReadAllText(Path("reference.json"))).RootElement;

    private static (string?, string?) Make()
    {
        if (!File.Exists(Python))
        {
            return (null, $"no {Python} (apt-get install python3)");
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var tool in Tools)
        {
            if (!path.Split(':').Any(d => d.Length > 0 && File.Exists(System.IO.Path.Combine(d, tool))))
            {
                return (null, $"no {tool} on PATH (apt-get install espeak-ng sox flac vorbis-tools lame)");
            }
        }

        var root = Directory.CreateTempSubdirectory("runlens-audit-media-").FullName;
        var script = System.IO.Path.Combine(Support.Fixtures.RepoRoot, "tests", "Runlens.Tests", "Audit", "Media", "make_media.py");
        var psi = new ProcessStartInfo(Python) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add(script);
        psi.ArgumentList.Add(root);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        _ = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            var last = err.Result.Trim().Split('\n').LastOrDefault() ?? "";
            return last.Contains("ModuleNotFoundError", StringComparison.Ordinal)
                ? (null, $"make_media.py needs a Python module: {last} (apt-get install python3-pil python3-numpy python3-opencv python3-scipy python3-skimage python3-sklearn)")
                : throw new InvalidOperationException($"make_media.py failed: {err.Result}");
        }

        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
            }
        };
        return (root, null);
    }
}

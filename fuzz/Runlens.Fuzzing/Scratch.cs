namespace Runlens.Fuzzing;

/// <summary>A folder of this process where file-based readers get their input written (in memory-backed
/// <c>/dev/shm</c> when there is one), emptied before each input.</summary>
internal static class Scratch
{
    private static readonly Lazy<string> Root = new(() =>
    {
        var parent = Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();
        var root = Path.Combine(parent, $"runlens-fuzz-{Environment.ProcessId}");
        Directory.CreateDirectory(root);
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
        return root;
    });

    /// <summary>Writes <paramref name="files"/> (relative path → bytes) into an emptied folder and returns its path.</summary>
    public static string Lay(params (string Path, byte[] Bytes)[] files)
    {
        var root = Root.Value;
        foreach (var entry in Directory.EnumerateFileSystemEntries(root))
        {
            if (Directory.Exists(entry))
            {
                Directory.Delete(entry, recursive: true);
            }
            else
            {
                File.Delete(entry);
            }
        }

        foreach (var (path, bytes) in files)
        {
            var full = System.IO.Path.Combine(root, path);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
            File.WriteAllBytes(full, bytes);
        }

        return root;
    }
}

namespace Runlens.Fuzzing;

/// <summary>A folder of this process where file-based readers get their input written (in memory-backed
/// <c>/dev/shm</c> when there is one). The fixed files around an input are laid once per layout; each execution then
/// only rewrites the input file, so an execution costs one small write, not a folder emptied and rebuilt.</summary>
internal static class Scratch
{
    private static readonly Lazy<string> Root = new(() =>
    {
        var parent = Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();
        RemoveLeftovers(parent);
        var root = Path.Combine(parent, $"{Prefix}{Environment.ProcessId}");
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

    private const string Prefix = "runlens-fuzz-";

    private static readonly Lock Gate = new();

    /// <summary>The layout whose fixed files are in the folder now (null: none yet, or the folder must be rebuilt).</summary>
    private static Layout? _laid;

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="file"/> (relative to the folder) beside the fixed
    /// <paramref name="beside"/> files, and returns the folder's path. The folder holds exactly these files afterwards.</summary>
    public static string Lay(string file, byte[] bytes, params (string Path, byte[] Bytes)[] beside)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        var root = Root.Value;
        var layout = new Layout(file, beside);
        lock (Gate)
        {
            if (_laid is null || !_laid.SameAs(layout))
            {
                _laid = null;
                Empty(root);
                foreach (var (path, content) in beside)
                {
                    Write(root, path, content);
                }

                Write(root, file, bytes);
                _laid = layout;
            }
            else
            {
                File.WriteAllBytes(Path.Combine(root, file), bytes);
            }
        }

        return root;
    }

    /// <summary>Removes the folders of processes that are gone: AFL++ ends its targets with SIGKILL, so their exit
    /// handler never runs (where <c>/proc</c> tells which processes live).</summary>
    private static void RemoveLeftovers(string parent)
    {
        if (!Directory.Exists("/proc/self"))
        {
            return;
        }

        foreach (var folder in Directory.EnumerateDirectories(parent, Prefix + "*"))
        {
            if (int.TryParse(Path.GetFileName(folder).AsSpan(Prefix.Length), out var pid) && !Directory.Exists($"/proc/{pid}"))
            {
                try
                {
                    Directory.Delete(folder, recursive: true);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // another process cleans it up at the same time, or it is not ours to remove
                }
            }
        }
    }

    private static void Empty(string root)
    {
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
    }

    private static void Write(string root, string path, byte[] bytes)
    {
        var full = Path.Combine(root, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, bytes);
    }

    private sealed record Layout(string File, (string Path, byte[] Bytes)[] Beside)
    {
        public bool SameAs(Layout other) => File == other.File && Beside.Length == other.Beside.Length
            && Beside.Zip(other.Beside).All(p => p.First.Path == p.Second.Path && p.First.Bytes.AsSpan().SequenceEqual(p.Second.Bytes));
    }
}

using System.Globalization;

namespace Runlens.Import.TensorBoard;

/// <summary>One run's event files, in the order they were written, each with the prefix its series names get.</summary>
/// <param name="Root">The run folder (or the event file, when one file was given).</param>
/// <param name="Name">Run name: the run folder's name.</param>
/// <param name="Files">Event files in writing order, with <c>train/</c>, <c>validation/</c> or <c>eval/</c> for files in
/// a Keras/Estimator split subfolder, else empty.</param>
/// <param name="HParamsYaml">Lightning's <c>hparams.yaml</c> in the run folder, if present.</param>
internal sealed record TensorBoardRunFiles(string Root, string Name, IReadOnlyList<(string File, string Prefix)> Files, string? HParamsYaml);

/// <summary>
/// Where TensorBoard event files sit. One run per folder holding <c>events.out.tfevents.*</c> files (several files in
/// one folder, as Lightning's fit/validate/test or a restarted writer leave them, are one run read in file order),
/// except the Keras callback layout: a run folder with <c>train/</c> and <c>validation/</c> (Estimator: <c>eval/</c>)
/// subfolders is one run whose series names start with the subfolder.
/// </summary>
internal static class TensorBoardLayout
{
    public const string EventFilePrefix = "events.out.tfevents.";
    public const string HParamsYamlName = "hparams.yaml";
    private const int MaxDepth = 8;
    private const int DetectDepth = 4;

    private static readonly string[] SplitFolders = ["train", "validation", "eval"];

    public static bool IsEventFileName(string path) =>
        Path.GetFileName(path).StartsWith(EventFilePrefix, StringComparison.Ordinal);

    public static bool IsSplitFolder(string dir) =>
        SplitFolders.Contains(Path.GetFileName(Path.TrimEndingDirectorySeparator(dir)), StringComparer.Ordinal);

    /// <summary>Event files directly in <paramref name="dir"/>, in writing order.</summary>
    public static List<string> EventFilesIn(string dir)
    {
        var files = Directory.EnumerateFiles(dir, EventFilePrefix + "*", new EnumerationOptions { IgnoreInaccessible = true })
            .Where(IsEventFileName)
            .ToList();
        files.Sort(CompareWritingOrder);
        return files;
    }

    /// <summary>True when <paramref name="dir"/> holds event files directly.</summary>
    public static bool HoldsEventFiles(string dir) => EventFilesIn(dir).Count > 0;

    /// <summary>True when a Keras split subfolder of <paramref name="dir"/> holds event files.</summary>
    public static bool HasSplitSubfolders(string dir) =>
        SplitFolders.Any(s => Directory.Exists(Path.Combine(dir, s)) && HoldsEventFiles(Path.Combine(dir, s)));

    /// <summary>True when some folder below <paramref name="dir"/> (a few levels deep) holds event files.</summary>
    public static bool HasEventFilesBelow(string dir) =>
        Directory.EnumerateFiles(dir, EventFilePrefix + "*",
                new EnumerationOptions { IgnoreInaccessible = true, RecurseSubdirectories = true, MaxRecursionDepth = DetectDepth })
            .Any(IsEventFileName);

    /// <summary>The run of one event file given by itself.</summary>
    public static TensorBoardRunFiles ForFile(string file)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(file)) ?? ".";
        var prefix = IsSplitFolder(dir) ? Path.GetFileName(dir) + "/" : "";
        var yaml = Path.Combine(dir, HParamsYamlName);
        return new TensorBoardRunFiles(file, Path.GetFileName(dir), [(file, prefix)], File.Exists(yaml) ? yaml : null);
    }

    /// <summary>Every run in the tree at <paramref name="root"/>, ordered by path.</summary>
    public static List<TensorBoardRunFiles> RunsIn(string root)
    {
        root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        var byRunFolder = new SortedDictionary<string, List<(string, string)>>(StringComparer.Ordinal);
        foreach (var dir in FoldersWithEventFiles(root))
        {
            var parent = Path.GetDirectoryName(dir);
            string runFolder;
            string prefix;
            if (IsSplitFolder(dir) && parent is not null && parent.Length >= root.Length)
            {
                runFolder = parent;
                prefix = Path.GetFileName(dir) + "/";
            }
            else if (IsSplitFolder(dir))
            {
                // the split folder itself was given: its series still carry the split
                runFolder = dir;
                prefix = Path.GetFileName(dir) + "/";
            }
            else
            {
                runFolder = dir;
                prefix = "";
            }

            if (!byRunFolder.TryGetValue(runFolder, out var files))
            {
                files = [];
                byRunFolder[runFolder] = files;
            }

            // files of the run folder itself first, then the split subfolders in name order
            var list = EventFilesIn(dir).Select(f => (f, prefix)).ToList();
            if (prefix.Length == 0 || runFolder == dir)
            {
                files.InsertRange(0, list);
            }
            else
            {
                files.AddRange(list);
            }
        }

        return byRunFolder.Select(kv =>
        {
            var yaml = Path.Combine(kv.Key, HParamsYamlName);
            return new TensorBoardRunFiles(kv.Key, Path.GetFileName(kv.Key), kv.Value, File.Exists(yaml) ? yaml : null);
        }).ToList();
    }

    private static IEnumerable<string> FoldersWithEventFiles(string root)
    {
        var pending = new Stack<(string Dir, int Depth)>();
        pending.Push((root, 0));
        var found = new List<string>();
        while (pending.Count > 0)
        {
            var (dir, depth) = pending.Pop();
            if (HoldsEventFiles(dir))
            {
                found.Add(dir);
            }

            if (depth >= MaxDepth)
            {
                continue;
            }

            foreach (var sub in Directory.EnumerateDirectories(dir, "*", new EnumerationOptions { IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint }))
            {
                if (!Path.GetFileName(sub).StartsWith('.'))
                {
                    pending.Push((sub, depth + 1));
                }
            }
        }

        found.Sort(StringComparer.Ordinal);
        return found;
    }

    /// <summary>Orders event files by the timestamp in their name (<c>events.out.tfevents.TIME.HOST.PID.N[.v2]</c>), then
    /// by the counter TensorFlow and Lightning append, then by name.</summary>
    public static int CompareWritingOrder(string a, string b)
    {
        var (ta, na) = NameOrder(a);
        var (tb, nb) = NameOrder(b);
        var c = ta.CompareTo(tb);
        if (c == 0)
        {
            c = na.CompareTo(nb);
        }

        return c != 0 ? c : string.CompareOrdinal(Path.GetFileName(a), Path.GetFileName(b));
    }

    private static (long Time, long Counter) NameOrder(string path)
    {
        var name = Path.GetFileName(path);
        if (!name.StartsWith(EventFilePrefix, StringComparison.Ordinal))
        {
            return (long.MaxValue, long.MaxValue);
        }

        var rest = name[EventFilePrefix.Length..];
        var dot = rest.IndexOf('.', StringComparison.Ordinal);
        var time = long.TryParse(dot < 0 ? rest : rest[..dot], NumberStyles.None, CultureInfo.InvariantCulture, out var t) ? t : long.MaxValue;
        var parts = rest.Split('.');
        var counter = long.MaxValue;
        for (var i = parts.Length - 1; i > 0; i--)
        {
            if (parts[i] == "v2")
            {
                continue;
            }

            if (long.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                counter = n;
            }

            break;
        }

        return (time, counter);
    }
}

using System.Collections.Immutable;
using System.Text.Json;

namespace Runlens.Audit.Inputs;

/// <summary>
/// Finds what to audit under a path: the splits (given, folders named train/val/test, a saved Hugging Face dataset
/// dict, or one split <c>all</c>), and under each split every image, audio file and table, with its label from a
/// labels file or its class folder. Symbolic links that lead outside the audited folder are not followed.
/// </summary>
internal static class DatasetScanner
{
    private static readonly Dictionary<string, string> SplitNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["train"] = "train", ["training"] = "train",
        ["val"] = "val", ["valid"] = "val", ["validation"] = "val", ["dev"] = "val",
        ["test"] = "test", ["testing"] = "test",
    };

    private static readonly string[] LabelFileNames = ["labels.csv", "metadata.csv", "annotations.csv"];

    public static DatasetLayout Scan(string path, AuditOptions options)
    {
        var notes = new List<string>();
        var splits = new List<SplitSource>();
        var full = Path.GetFullPath(path);
        if (options.Splits.Count > 0)
        {
            foreach (var (name, p) in options.Splits)
            {
                if (!Directory.Exists(p) && !File.Exists(p))
                {
                    throw new AuditInputException(p, $"split '{name}' does not exist", "give --split NAME=PATH with an existing folder or file");
                }

                splits.Add(new SplitSource(name, Path.GetFullPath(p), p));
            }
        }
        else if (File.Exists(full))
        {
            splits.Add(new SplitSource("all", full, path));
        }
        else if (!Directory.Exists(full))
        {
            throw new AuditInputException(path, "no such file or folder", "point at a dataset folder (class folders, train/val/test folders, or a table file)");
        }
        else
        {
            splits.AddRange(FindSplits(full, path));
        }

        Dictionary<string, string>? labels = null;
        if (options.LabelsFile is { } lf)
        {
            labels = LabelsFile.Read(lf);
        }

        var files = new List<DataFile>();
        foreach (var split in splits)
        {
            var splitLabels = labels ?? FindLabelsFile(split, full);
            if (File.Exists(split.Root))
            {
                if (FileKinds.OfExtension(split.Root) is { } k)
                {
                    var name = Path.GetFileName(split.Root);
                    files.Add(new DataFile(split.Root, name, split.Display, split.Name, Lookup(splitLabels, name), "", k.Kind));
                }
                else
                {
                    notes.Add($"{split.Display}: not an image, audio file or table; skipped");
                }

                continue;
            }

            var realRoot = RealPath(split.Root);
            var excluded = LabelFileNames.Select(n => Path.Combine(split.Root, n)).Append(options.LabelsFile is { } l ? Path.GetFullPath(l) : "").ToHashSet(StringComparer.Ordinal);
            var skippedKinds = new SortedDictionary<string, int>(StringComparer.Ordinal);
            foreach (var (fullPath, rel) in Walk(split.Root, realRoot, notes, split.Display))
            {
                if (excluded.Contains(fullPath) && splitLabels is not null)
                {
                    continue;
                }

                if (FileKinds.OfExtension(fullPath) is not { } kind)
                {
                    var ext = Path.GetExtension(fullPath).ToLowerInvariant();
                    if (ext is not (".json" or ".md" or ".txt" or ".yaml" or ".yml"))
                    {
                        skippedKinds[ext.Length == 0 ? "(no extension)" : ext] = skippedKinds.GetValueOrDefault(ext.Length == 0 ? "(no extension)" : ext) + 1;
                    }

                    continue;
                }

                var slash = rel.LastIndexOf('/');
                var source = slash < 0 ? "" : rel[..slash];
                string? label;
                if (splitLabels is not null)
                {
                    label = Lookup(splitLabels, rel) ?? Lookup(splitLabels, Path.GetFileName(rel));
                }
                else
                {
                    label = slash < 0 ? null : rel[..rel.IndexOf('/', StringComparison.Ordinal)];
                }

                files.Add(new DataFile(fullPath, rel, JoinDisplay(split.Display, rel), split.Name, kind.Kind == ExampleKind.Table ? null : label, source, kind.Kind));
            }

            foreach (var (ext, n) in skippedKinds)
            {
                notes.Add($"{split.Display}: {n} {ext} file{(n == 1 ? "" : "s")} skipped (not an image, audio file or table)");
            }
        }

        files.Sort((a, b) => string.CompareOrdinal(a.DisplayPath, b.DisplayPath));
        return new DatasetLayout([.. splits], [.. files], [.. notes]);
    }

    private static string JoinDisplay(string root, string rel) =>
        root.Length == 0 || root == "." ? rel : root.TrimEnd('/', Path.DirectorySeparatorChar) + "/" + rel;

    private static string? Lookup(Dictionary<string, string>? labels, string key) =>
        labels is not null && labels.TryGetValue(key, out var v) ? v : null;

    /// <summary>Folders named like splits are splits; a saved dataset dict names its own; otherwise one split.</summary>
    private static IEnumerable<SplitSource> FindSplits(string full, string display)
    {
        var dictFile = Path.Combine(full, "dataset_dict.json");
        if (File.Exists(dictFile))
        {
            var found = new List<SplitSource>();
            try
            {
                using var doc = JsonDocument.Parse(File.ReadAllBytes(dictFile));
                if (doc.RootElement.TryGetProperty("splits", out var s) && s.ValueKind == JsonValueKind.Array)
                {
                    foreach (var name in s.EnumerateArray().Select(e => e.GetString()).OfType<string>())
                    {
                        var dir = Path.Combine(full, name);
                        if (Directory.Exists(dir))
                        {
                            found.Add(new SplitSource(SplitNames.GetValueOrDefault(name, name), dir, JoinDisplay(display, name)));
                        }
                    }
                }
            }
            catch (JsonException ex)
            {
                throw new AuditInputException(dictFile, $"not valid JSON ({ex.Message})", "repair the file or audit one split folder");
            }

            if (found.Count > 0)
            {
                return found;
            }
        }

        var named = Directory.EnumerateDirectories(full)
            .Where(d => SplitNames.ContainsKey(Path.GetFileName(d)))
            .Order(StringComparer.Ordinal)
            .Select(d => new SplitSource(SplitNames[Path.GetFileName(d)], d, JoinDisplay(display, Path.GetFileName(d))))
            .ToList();
        if (named.Count > 0 && named.Select(s => s.Name).Distinct().Count() == named.Count)
        {
            // train first, then val, then test: leakage is reported on the later split's copy.
            return named.OrderBy(s => s.Name switch { "train" => 0, "val" => 1, "test" => 2, _ => 3 });
        }

        return [new SplitSource("all", full, display)];
    }

    private static Dictionary<string, string>? FindLabelsFile(SplitSource split, string root)
    {
        foreach (var dir in new[] { split.Root, root }.Distinct())
        {
            foreach (var name in LabelFileNames)
            {
                var p = Path.Combine(dir, name);
                if (File.Exists(p) && LabelsFile.TryRead(p) is { } labels)
                {
                    return labels;
                }
            }
        }

        return null;
    }

    /// <summary>Every file under <paramref name="dir"/> (hidden ones left out) with its '/'-separated relative path;
    /// links whose target lies outside <paramref name="realRoot"/> are skipped with a note.</summary>
    private static IEnumerable<(string Full, string Rel)> Walk(string dir, string realRoot, List<string> notes, string display)
    {
        var stack = new Stack<(string Dir, string Rel)>();
        stack.Push((dir, ""));
        var options = new EnumerationOptions { AttributesToSkip = FileAttributes.Hidden | FileAttributes.System, IgnoreInaccessible = true };
        while (stack.Count > 0)
        {
            var (d, rel) = stack.Pop();
            var entries = new DirectoryInfo(d).EnumerateFileSystemInfos("*", options)
                .Where(e => !e.Name.StartsWith('.'))
                .OrderBy(e => e.Name, StringComparer.Ordinal)
                .ToList();
            var subdirs = new List<(string, string)>();
            foreach (var e in entries)
            {
                var r = rel.Length == 0 ? e.Name : rel + "/" + e.Name;
                if (e.LinkTarget is not null)
                {
                    var target = RealPath(e.FullName);
                    if (!IsUnder(target, realRoot))
                    {
                        notes.Add($"{JoinDisplay(display, r)}: a link to {target}, outside the audited folder; not followed");
                        continue;
                    }
                }

                if (e is DirectoryInfo)
                {
                    subdirs.Add((e.FullName, r));
                }
                else if (e is FileInfo)
                {
                    yield return (e.FullName, r);
                }
            }

            for (var i = subdirs.Count - 1; i >= 0; i--)
            {
                stack.Push(subdirs[i]);
            }
        }
    }

    private static bool IsUnder(string path, string root) =>
        path == root || path.StartsWith(root.TrimEnd('/') + "/", StringComparison.Ordinal);

    /// <summary>The path with every link resolved (the final target of each component).</summary>
    private static string RealPath(string path)
    {
        var full = Path.GetFullPath(path);
        var parts = full.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var current = "/";
        for (var i = 0; i < parts.Length; i++)
        {
            var next = Path.Combine(current, parts[i]);
            FileSystemInfo info = Directory.Exists(next) ? new DirectoryInfo(next) : new FileInfo(next);
            for (var hops = 0; info.LinkTarget is { } t && hops < 40; hops++)
            {
                next = Path.GetFullPath(t, current);
                info = Directory.Exists(next) ? new DirectoryInfo(next) : new FileInfo(next);
            }

            current = next;
        }

        return current;
    }
}

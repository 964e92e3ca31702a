using System.Collections.Immutable;
using System.Globalization;
using Runlens.Model;

namespace Runlens.Import.HfTrainer;

/// <summary>Where the parts of one Trainer run lie: the state file to read, the folder of its side files, the checkpoints.</summary>
/// <param name="StateFile">The <c>trainer_state.json</c> to read (the newest one).</param>
/// <param name="Name">Readable run name: the output folder's name.</param>
/// <param name="SideFolder">Folder holding <c>*_results.json</c>, <c>config.json</c>, <c>adapter_config.json</c>.</param>
/// <param name="Checkpoints">Checkpoint folders found, by step.</param>
internal sealed record HfRunLayout(string StateFile, string Name, string SideFolder, ImmutableArray<Checkpoint> Checkpoints)
{
    public const string StateFileName = "trainer_state.json";
    private const int MaxSubfolders = 256;

    /// <summary>Lays out <paramref name="path"/>: a state file, a <c>checkpoint-N</c> folder or a Trainer output folder.</summary>
    public static HfRunLayout Resolve(string path)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        if (File.Exists(full))
        {
            var dir = Path.GetDirectoryName(full) ?? ".";
            return CheckpointStep(dir) is { } step
                ? new HfRunLayout(full, OutputName(dir), dir, [new Checkpoint(step, dir)])
                : new HfRunLayout(full, NameOf(dir), dir, FindCheckpoints(dir));
        }

        if (!Directory.Exists(full))
        {
            throw new RunImportException(path, null, "no such file or folder", "check the path");
        }

        var own = Path.Combine(full, StateFileName);
        if (CheckpointStep(full) is { } s)
        {
            return File.Exists(own)
                ? new HfRunLayout(own, OutputName(full), full, [new Checkpoint(s, full)])
                : throw NoState(path);
        }

        var checkpoints = FindCheckpoints(full);
        if (File.Exists(own))
        {
            return new HfRunLayout(own, NameOf(full), full, checkpoints);
        }

        for (var i = checkpoints.Length - 1; i >= 0; i--)
        {
            var candidate = Path.Combine(checkpoints[i].Path!, StateFileName);
            if (File.Exists(candidate))
            {
                return new HfRunLayout(candidate, NameOf(full), full, checkpoints);
            }
        }

        throw NoState(path);
    }

    /// <summary>The step in a <c>checkpoint-N</c> folder name, or null.</summary>
    public static long? CheckpointStep(string folderOrName)
    {
        var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(folderOrName));
        const string prefix = "checkpoint-";
        return name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
            && name.Length > prefix.Length
            && name.AsSpan(prefix.Length).IndexOfAnyExceptInRange('0', '9') < 0
            && long.TryParse(name.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var step)
            ? step
            : null;
    }

    /// <summary>The step of the last <c>checkpoint-N</c> segment of a path as the Trainer wrote it (either separator).</summary>
    public static long? StepOfCheckpointPath(string? written)
    {
        if (string.IsNullOrEmpty(written))
        {
            return null;
        }

        var last = written.TrimEnd('/', '\\');
        var cut = last.LastIndexOfAny(['/', '\\']);
        return CheckpointStep(cut >= 0 ? last[(cut + 1)..] : last);
    }

    /// <summary><c>checkpoint-N</c> folders directly in <paramref name="folder"/>, else one level below it.</summary>
    public static ImmutableArray<Checkpoint> FindCheckpoints(string folder)
    {
        var found = Direct(folder);
        if (found.Count == 0)
        {
            foreach (var sub in Directory.EnumerateDirectories(folder).Take(MaxSubfolders))
            {
                found.AddRange(Direct(sub));
            }
        }

        return [.. found.OrderBy(c => c.Step).ThenBy(c => c.Path, StringComparer.Ordinal)];
    }

    private static List<Checkpoint> Direct(string folder)
    {
        var list = new List<Checkpoint>();
        foreach (var dir in Directory.EnumerateDirectories(folder, "checkpoint-*"))
        {
            if (CheckpointStep(dir) is { } step)
            {
                list.Add(new Checkpoint(step, dir));
            }
        }

        return list;
    }

    private static string OutputName(string checkpointFolder) =>
        Path.GetDirectoryName(checkpointFolder) is { Length: > 0 } parent ? NameOf(parent) : NameOf(checkpointFolder);

    private static string NameOf(string folder)
    {
        var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(folder));
        return string.IsNullOrEmpty(name) ? folder : name;
    }

    private static RunImportException NoState(string path) =>
        new(path, null, "no trainer_state.json here or in a checkpoint-N folder",
            "point at a Hugging Face Trainer output folder, a checkpoint-N folder or a trainer_state.json file");
}

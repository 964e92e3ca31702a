using System.Text;

namespace Runlens.Import.Mlflow;

/// <summary>What an MLflow path holds: a whole <c>mlruns/</c> tree, one experiment folder, or one run folder.</summary>
internal enum MlflowLayoutKind
{
    Tree,
    Experiment,
    Run,
}

/// <summary>
/// Finds MLflow file-store folders by their shape. A run folder holds <c>meta.yaml</c> with <c>run_id</c>/<c>run_uuid</c>,
/// or <c>metrics/</c> or <c>params/</c>; an experiment folder holds <c>meta.yaml</c> with <c>experiment_id</c> and no run
/// id, or run folders; a tree (<c>mlruns/</c>) holds experiment folders. <c>.trash/</c> (deleted experiments), the model
/// registry (<c>models/</c>) and the experiment's own <c>tags/</c>, <c>datasets/</c>, <c>models/</c>, <c>traces/</c> are not runs.
/// </summary>
internal static class MlflowLayout
{
    public const string TreeName = "mlruns";
    private const int SniffBytes = 4096;

    private static readonly HashSet<string> NotRunFolders = new(StringComparer.Ordinal)
    {
        "tags", "datasets", "models", "traces", "artifacts", "metrics", "params", "inputs", "outputs",
    };

    /// <summary>The layout at <paramref name="dir"/> and the folder to read, or null when it is not MLflow.</summary>
    public static (MlflowLayoutKind Kind, string Path)? Resolve(string dir)
    {
        if (!Directory.Exists(dir))
        {
            return null;
        }

        if (IsRunFolder(dir))
        {
            return (MlflowLayoutKind.Run, dir);
        }

        if (IsExperimentFolder(dir))
        {
            return (MlflowLayoutKind.Experiment, dir);
        }

        if (ExperimentFolders(dir).Count > 0)
        {
            return (MlflowLayoutKind.Tree, dir);
        }

        var inner = Path.Combine(dir, TreeName);
        return Directory.Exists(inner) && ExperimentFolders(inner).Count > 0 ? (MlflowLayoutKind.Tree, inner) : null;
    }

    /// <summary>A run folder by its shape: a meta.yaml naming a run, or metrics/ or params/ beside a meta.yaml, or
    /// metrics/ with params/ or tags/; a meta.yaml with only tags/ is a run unless the meta.yaml is an experiment's.</summary>
    public static bool IsRunFolder(string dir)
    {
        var keys = TopKeys(Path.Combine(dir, MlflowMeta.FileName));
        if (keys is not null && (keys.Contains("run_id") || keys.Contains("run_uuid")))
        {
            return true;
        }

        var metrics = Directory.Exists(Path.Combine(dir, "metrics"));
        var parameters = Directory.Exists(Path.Combine(dir, "params"));
        var tags = Directory.Exists(Path.Combine(dir, "tags"));
        if (keys is null)
        {
            return metrics && (parameters || tags);
        }

        // experiments have tags/ but never metrics/ or params/
        return metrics || parameters || (tags && !IsExperimentMeta(keys));
    }

    public static bool IsExperimentFolder(string dir)
    {
        var keys = TopKeys(Path.Combine(dir, MlflowMeta.FileName));
        if (keys is not null && IsExperimentMeta(keys) && !IsRunFolder(dir))
        {
            return true;
        }

        return RunFolders(dir, lenient: false).Count > 0;
    }

    /// <summary>Run folders inside an experiment folder, sorted by name. <paramref name="lenient"/> (when importing)
    /// also takes any other sub-folder holding a meta.yaml, so a run whose meta.yaml is damaged is read and reported,
    /// not dropped.</summary>
    public static List<string> RunFolders(string experimentDir, bool lenient) => Children(experimentDir, sub =>
        !NotRunFolders.Contains(Path.GetFileName(sub))
        && (IsRunFolder(sub) || lenient && File.Exists(Path.Combine(sub, MlflowMeta.FileName))));

    /// <summary>Experiment folders inside an <c>mlruns/</c> tree, sorted by name; <c>.trash</c> and the model registry
    /// are skipped. <paramref name="lenient"/> (when importing) also takes any other sub-folder holding a meta.yaml.</summary>
    public static List<string> ExperimentFolders(string treeDir, bool lenient = false) => Children(treeDir, sub =>
    {
        var name = Path.GetFileName(sub);
        var meta = Path.Combine(sub, MlflowMeta.FileName);
        if (name.StartsWith('.') || name == "models" && !File.Exists(meta))
        {
            return false;
        }

        var keys = TopKeys(meta);
        return keys is not null && IsExperimentMeta(keys) || RunFolders(sub, lenient: false).Count > 0 || lenient && keys is not null;
    });

    /// <summary>An experiment's meta.yaml: <c>artifact_location</c> (runs have <c>artifact_uri</c>), or
    /// <c>experiment_id</c> without a run's id, status or start time.</summary>
    private static bool IsExperimentMeta(HashSet<string> keys) =>
        !keys.Contains("run_id") && !keys.Contains("run_uuid")
        && (keys.Contains("artifact_location") || keys.Contains("experiment_id") && !keys.Contains("status") && !keys.Contains("start_time"));

    private static List<string> Children(string dir, Func<string, bool> keep)
    {
        var result = new List<string>();
        try
        {
            foreach (var sub in Directory.EnumerateDirectories(dir))
            {
                if (new DirectoryInfo(sub).LinkTarget is null && keep(sub))
                {
                    result.Add(sub);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return result;
        }

        result.Sort(StringComparer.Ordinal);
        return result;
    }

    /// <summary>The top-level keys in the first 4 KiB of a meta.yaml (lines <c>key: …</c> at column 0), or null when
    /// there is no such file.</summary>
    public static HashSet<string>? TopKeys(string metaFile)
    {
        if (!File.Exists(metaFile))
        {
            return null;
        }

        var keys = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            Span<byte> head = stackalloc byte[SniffBytes];
            int n;
            using (var s = new FileStream(metaFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1))
            {
                n = s.ReadAtLeast(head, SniffBytes, throwOnEndOfStream: false);
            }

            var text = Encoding.UTF8.GetString(head[..n]);
            foreach (var line in text.Split('\n'))
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0 && line[0] is not (' ' or '\t' or '-' or '#'))
                {
                    keys.Add(line[..colon].Trim());
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return keys;
        }

        return keys;
    }
}

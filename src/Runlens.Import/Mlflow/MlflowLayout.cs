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

    public static bool IsRunFolder(string dir)
    {
        var meta = Path.Combine(dir, MlflowMeta.FileName);
        var keys = TopKeys(meta);
        if (keys is not null && (keys.Contains("run_id") || keys.Contains("run_uuid")))
        {
            return true;
        }

        if (keys is not null && keys.Contains("experiment_id") && !keys.Contains("status") && !keys.Contains("start_time"))
        {
            // an experiment's meta.yaml (its tags/ folder must not make it look like a run)
            return false;
        }

        var metrics = Directory.Exists(Path.Combine(dir, "metrics"));
        var parameters = Directory.Exists(Path.Combine(dir, "params"));
        var tags = Directory.Exists(Path.Combine(dir, "tags"));
        return keys is not null ? metrics || parameters || tags : metrics && (parameters || tags);
    }

    public static bool IsExperimentFolder(string dir)
    {
        var keys = TopKeys(Path.Combine(dir, MlflowMeta.FileName));
        if (keys is not null && keys.Contains("experiment_id") && !keys.Contains("run_id") && !keys.Contains("run_uuid")
            && !keys.Contains("status"))
        {
            return true;
        }

        return RunFolders(dir).Count > 0;
    }

    /// <summary>Run folders inside an experiment folder, sorted by name.</summary>
    public static List<string> RunFolders(string experimentDir) => Children(experimentDir, sub =>
        !NotRunFolders.Contains(Path.GetFileName(sub)) && IsRunFolder(sub));

    /// <summary>Experiment folders inside an <c>mlruns/</c> tree, sorted by name; <c>.trash</c> and the model registry are skipped.</summary>
    public static List<string> ExperimentFolders(string treeDir) => Children(treeDir, sub =>
    {
        var name = Path.GetFileName(sub);
        if (name.StartsWith('.') || name == "models" && !File.Exists(Path.Combine(sub, MlflowMeta.FileName)))
        {
            return false;
        }

        var keys = TopKeys(Path.Combine(sub, MlflowMeta.FileName));
        return keys is not null && keys.Contains("experiment_id") && !keys.Contains("run_id") && !keys.Contains("run_uuid")
            || RunFolders(sub).Count > 0;
    });

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

namespace Runlens.Import.Wandb;

/// <summary>
/// Where the files of one W&amp;B run are: the run folder (<c>run-YYYYMMDD_HHMMSS-&lt;id&gt;</c> or
/// <c>offline-run-…</c>), its transaction log <c>run-&lt;id&gt;.wandb</c> and the <c>files/</c> it writes beside it.
/// Any of them may be missing.
/// </summary>
internal sealed record WandbRunFolder(string Path, string Name, string? LogFile, string? SummaryFile, string? ConfigFile, string? MetadataFile)
{
    public const string SummaryName = "wandb-summary.json";
    public const string ConfigName = "config.yaml";
    public const string MetadataName = "wandb-metadata.json";

    /// <summary>The run id in the folder name (<c>run-20231005_200819-u9njiu6c</c> → <c>u9njiu6c</c>), or null.</summary>
    public string? IdFromName
    {
        get
        {
            if (!IsRunFolderName(Name))
            {
                return null;
            }

            var dash = Name.LastIndexOf('-');
            return dash > 0 && dash < Name.Length - 1 ? Name[(dash + 1)..] : null;
        }
    }

    public static bool IsRunFolderName(string name) =>
        name.StartsWith("run-", StringComparison.Ordinal) || name.StartsWith("offline-run-", StringComparison.Ordinal);

    public static bool IsLogFileName(string name) => name.EndsWith(".wandb", StringComparison.OrdinalIgnoreCase);

    /// <summary>A run folder: it holds a <c>.wandb</c> log, or <c>files/wandb-summary.json</c>, or is named like one and
    /// holds <c>files/config.yaml</c>.</summary>
    public static bool LooksLikeRunFolder(string dir)
    {
        if (!Directory.Exists(dir))
        {
            return false;
        }

        if (FindLog(dir) is not null || File.Exists(System.IO.Path.Combine(dir, "files", SummaryName)))
        {
            return true;
        }

        return IsRunFolderName(System.IO.Path.GetFileName(dir)) && File.Exists(System.IO.Path.Combine(dir, "files", ConfigName));
    }

    /// <summary>Run folders directly inside <paramref name="dir"/> (a <c>wandb/</c> folder), sorted by name, skipping
    /// the <c>latest-run</c> link and any other link to a folder.</summary>
    public static List<string> RunFoldersIn(string dir)
    {
        var result = new List<string>();
        if (!Directory.Exists(dir))
        {
            return result;
        }

        foreach (var sub in Directory.EnumerateDirectories(dir))
        {
            var name = System.IO.Path.GetFileName(sub);
            if (name == "latest-run" || new DirectoryInfo(sub).LinkTarget is not null)
            {
                continue;
            }

            if (LooksLikeRunFolder(sub))
            {
                result.Add(sub);
            }
        }

        result.Sort(StringComparer.Ordinal);
        return result;
    }

    public static WandbRunFolder FromFolder(string dir)
    {
        var full = System.IO.Path.GetFullPath(dir).TrimEnd(System.IO.Path.DirectorySeparatorChar);
        return new WandbRunFolder(full, System.IO.Path.GetFileName(full), FindLog(full),
            Existing(full, "files", SummaryName), Existing(full, "files", ConfigName), Existing(full, "files", MetadataName));
    }

    /// <summary>The run around a <c>.wandb</c> file: its folder's <c>files/</c>, when there is one.</summary>
    public static WandbRunFolder FromLogFile(string file)
    {
        var full = System.IO.Path.GetFullPath(file);
        var dir = System.IO.Path.GetDirectoryName(full) ?? ".";
        var name = System.IO.Path.GetFileName(dir);
        if (!IsRunFolderName(name))
        {
            name = System.IO.Path.GetFileNameWithoutExtension(full);
        }

        return new WandbRunFolder(full, name, full,
            Existing(dir, "files", SummaryName), Existing(dir, "files", ConfigName), Existing(dir, "files", MetadataName));
    }

    private static string? FindLog(string dir)
    {
        string? best = null;
        foreach (var f in Directory.EnumerateFiles(dir, "*.wandb"))
        {
            // run-<id>.wandb is the one; take the first by name when there are several
            if (best is null || string.CompareOrdinal(f, best) < 0)
            {
                best = f;
            }
        }

        return best;
    }

    private static string? Existing(params string[] parts)
    {
        var p = System.IO.Path.Combine(parts);
        return File.Exists(p) ? p : null;
    }
}

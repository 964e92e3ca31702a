namespace Runlens.Import.Wandb;

/// <summary>
/// Where the files of one W&amp;B run are: the run folder (<c>run-YYYYMMDD_HHMMSS-&lt;id&gt;</c> or
/// <c>offline-run-…</c>), its transaction log <c>run-&lt;id&gt;.wandb</c> and the <c>files/</c> it writes beside it.
/// Clients before 0.10 wrote no transaction log: their run folder holds <c>wandb-history.jsonl</c> (one object per
/// logged row, with <c>_step</c>, <c>_runtime</c>, <c>_timestamp</c>), <c>wandb-events.jsonl</c> (system metrics),
/// <c>wandb-summary.json</c>, <c>config.yaml</c> and <c>wandb-metadata.json</c> directly, without <c>files/</c>.
/// Any of them may be missing.
/// </summary>
internal sealed record WandbRunFolder(string Path, string Name, string? LogFile, string? SummaryFile, string? ConfigFile, string? MetadataFile)
{
    public const string SummaryName = "wandb-summary.json";
    public const string ConfigName = "config.yaml";
    public const string MetadataName = "wandb-metadata.json";
    public const string HistoryName = "wandb-history.jsonl";
    public const string EventsName = "wandb-events.jsonl";

    /// <summary>The history of a run written before the transaction log existed, or null.</summary>
    public string? HistoryFile { get; init; }

    /// <summary>The system metrics of such a run, or null.</summary>
    public string? EventsFile { get; init; }

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

    /// <summary>A run folder: it holds a <c>.wandb</c> log, or <c>wandb-summary.json</c> or <c>wandb-history.jsonl</c>
    /// (in <c>files/</c> or, as older clients wrote them, beside it), or is named like one and holds a <c>config.yaml</c>.</summary>
    public static bool LooksLikeRunFolder(string dir)
    {
        if (!Directory.Exists(dir))
        {
            return false;
        }

        if (FindLog(dir) is not null || Existing(dir, SummaryName) is not null || Existing(dir, HistoryName) is not null)
        {
            return true;
        }

        return IsRunFolderName(System.IO.Path.GetFileName(dir)) && Existing(dir, ConfigName) is not null;
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
            Existing(full, SummaryName), Existing(full, ConfigName), Existing(full, MetadataName))
        {
            HistoryFile = Existing(full, HistoryName),
            EventsFile = Existing(full, EventsName),
        };
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

        return new WandbRunFolder(full, name, full, Existing(dir, SummaryName), Existing(dir, ConfigName), Existing(dir, MetadataName))
        {
            HistoryFile = Existing(dir, HistoryName),
            EventsFile = Existing(dir, EventsName),
        };
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

    /// <summary>A run file in <c>files/</c>, else beside it (where clients before 0.10 wrote it), or null.</summary>
    private static string? Existing(string dir, string name)
    {
        var inFiles = System.IO.Path.Combine(dir, "files", name);
        if (File.Exists(inFiles))
        {
            return inFiles;
        }

        var beside = System.IO.Path.Combine(dir, name);
        return File.Exists(beside) ? beside : null;
    }
}

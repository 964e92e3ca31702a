using System.Collections.Immutable;
using System.Globalization;
using Runlens.Import.Tabular;

namespace Runlens.Import.Core;

/// <summary>One run (or one format's own tree of runs) found in a folder, and the importer that reads it.</summary>
internal sealed record FolderUnit(string Path, IRunImporter Importer);

/// <summary>What a folder of runs holds: every unit to read, and every file or folder left out with why.</summary>
internal sealed record FolderPlan(string Root, ImmutableArray<FolderUnit> Units, ImmutableArray<SkippedPath> Skipped);

/// <summary>
/// Finds every run in a folder that no single format claims as a whole: a parent folder of runs in different formats,
/// a folder holding one metric log under any name, a tree of experiments. A sub-folder that one importer is sure of
/// (<see cref="RunScore"/> or more: a Trainer output folder, a TensorBoard run, an <c>mlruns/</c> tree, a W&amp;B run,
/// a Lightning version folder…) is one unit and is not looked into; any other sub-folder is searched the same way, a
/// few levels deep; each file some importer recognises is a unit. Data files nobody reads (CSV, JSON, JSON Lines, YAML,
/// <c>.log</c>) and folders holding no run are left out with a reason each; documents, images, code and model weights
/// are not logs and are passed over without one. Hidden folders and caches are not searched.
/// </summary>
internal static class FolderScan
{
    /// <summary>A folder an importer is at least this sure of is a run, or a tree the importer reads whole.</summary>
    public const int RunScore = 90;

    private const int MaxDepth = 6;
    private const int MaxEntries = 20_000;

    private static readonly HashSet<string> DataExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".csv", ".tsv", ".json", ".jsonl", ".ndjson", ".yaml", ".yml", ".log",
    };

    private static readonly HashSet<string> NotSearched = new(StringComparer.Ordinal)
    {
        "__pycache__", "node_modules", "site-packages", "venv", ".venv",
    };

    /// <summary>The importer most sure of <paramref name="path"/>, and how sure; (null, 0) when none is.</summary>
    public static (IRunImporter? Importer, int Score) Best(string path, IEnumerable<IRunImporter> importers)
    {
        ArgumentNullException.ThrowIfNull(importers);
        IRunImporter? best = null;
        var bestScore = 0;
        foreach (var importer in importers)
        {
            int score;
            try
            {
                score = importer.Detect(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                score = 0;
            }

            if (score > bestScore)
            {
                best = importer;
                bestScore = score;
            }
        }

        return (best, bestScore);
    }

    /// <summary>Every unit below <paramref name="root"/> and everything left out, in natural name order.</summary>
    public static FolderPlan Plan(string root, IReadOnlyList<IRunImporter> importers)
    {
        var units = ImmutableArray.CreateBuilder<FolderUnit>();
        var skipped = new List<SkippedPath>();
        var entries = 0;
        Walk(root, 0, importers, units, skipped, ref entries);
        if (entries >= MaxEntries)
        {
            skipped.Add(new SkippedPath(root, string.Create(CultureInfo.InvariantCulture,
                $"the search stopped after {MaxEntries:N0} files and folders; point at a sub-folder to read the rest")));
        }

        return new FolderPlan(root, units.ToImmutable(), [.. skipped]);
    }

    private static void Walk(string dir, int depth, IReadOnlyList<IRunImporter> importers, ImmutableArray<FolderUnit>.Builder units,
        List<SkippedPath> skipped, ref int entries)
    {
        List<string> folders;
        List<string> files;
        try
        {
            var options = new EnumerationOptions { IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint };
            folders = [.. Directory.EnumerateDirectories(dir, "*", options).Where(Searched).Order(NaturalOrder.Instance)];
            files = [.. Directory.EnumerateFiles(dir, "*", options).Where(f => !Path.GetFileName(f).StartsWith('.')).Order(NaturalOrder.Instance)];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            skipped.Add(new SkippedPath(dir, "cannot be listed: " + ex.Message.TrimEnd('.')));
            return;
        }

        foreach (var folder in folders)
        {
            if (++entries > MaxEntries)
            {
                return;
            }

            var (importer, score) = Best(folder, importers);
            if (importer is not null && score >= RunScore)
            {
                units.Add(new FolderUnit(folder, importer));
                continue;
            }

            if (File.Exists(Path.Combine(folder, Output.ProcessRecorder.ProcessFile)))
            {
                // its system.jsonl and output.log are no metric logs: the folder is read as a whole, by itself
                skipped.Add(new SkippedPath(folder, "a folder written by runlens run: analyze it by itself (runlens analyze " + folder + ")"));
                continue;
            }

            if (depth + 1 > MaxDepth)
            {
                skipped.Add(new SkippedPath(folder, $"more than {MaxDepth} folders down; point at it to read it"));
                continue;
            }

            var unitsBefore = units.Count;
            var skippedBefore = skipped.Count;
            Walk(folder, depth + 1, importers, units, skipped, ref entries);
            if (units.Count == unitsBefore)
            {
                // nothing inside: one line for the folder, naming the first data file and why it is not a log
                var inner = skipped.Count > skippedBefore ? skipped[skippedBefore] : null;
                skipped.RemoveRange(skippedBefore, skipped.Count - skippedBefore);
                skipped.Add(new SkippedPath(folder, "holds no training log Runlens reads"
                    + (inner is null ? "" : $" ({Path.GetRelativePath(folder, inner.Path)}: {inner.Reason})")));
            }
        }

        foreach (var file in files)
        {
            if (++entries > MaxEntries)
            {
                return;
            }

            if (!DataExtensions.Contains(Path.GetExtension(file)) && !Path.GetFileName(file).Contains("tfevents", StringComparison.Ordinal)
                && !Path.GetExtension(file).Equals(".wandb", StringComparison.OrdinalIgnoreCase))
            {
                continue; // documents, images, code, model weights: not logs
            }

            var (importer, score) = Best(file, importers);
            if (importer is not null && score > 0)
            {
                units.Add(new FolderUnit(file, importer));
            }
            else
            {
                skipped.Add(new SkippedPath(file, WhyNot(file)));
            }
        }
    }

    private static bool Searched(string folder)
    {
        var name = Path.GetFileName(folder);
        return !name.StartsWith('.') && !NotSearched.Contains(name);
    }

    /// <summary>Why a data file no importer recognises is not a training log.</summary>
    private static string WhyNot(string file)
    {
        switch (Path.GetExtension(file).ToLowerInvariant())
        {
            case ".csv" or ".tsv":
                var header = TabularSniff.CsvHeader(file);
                if (header is not null && CsvMetricsImporter.LooksLikePredictions(header))
                {
                    return "per-example predictions, not a training log: give it to runlens analyze with --predictions, or to runlens evaluate";
                }

                return "a table without a step, epoch or metric column (loss, accuracy, f1, lr…)";
            case ".json":
                return "JSON that is neither a trainer_state.json nor a Keras History dump (metric name → list of numbers)";
            case ".jsonl" or ".ndjson":
                return "JSON Lines without numeric values per line";
            case ".yaml" or ".yml":
                return "a config file with no metric log beside it";
            default:
                return "not a metric log Runlens reads (a Keras CSVLogger log starts with an epoch column)";
        }
    }

    /// <summary>Names in the order people read them: <c>version_2</c> before <c>version_10</c>.</summary>
    private sealed class NaturalOrder : IComparer<string>
    {
        public static NaturalOrder Instance { get; } = new();

        public int Compare(string? x, string? y)
        {
            if (x is null || y is null)
            {
                return string.CompareOrdinal(x, y);
            }

            int i = 0, j = 0;
            while (i < x.Length && j < y.Length)
            {
                if (char.IsAsciiDigit(x[i]) && char.IsAsciiDigit(y[j]))
                {
                    var si = i;
                    var sj = j;
                    while (i < x.Length && char.IsAsciiDigit(x[i]))
                    {
                        i++;
                    }

                    while (j < y.Length && char.IsAsciiDigit(y[j]))
                    {
                        j++;
                    }

                    var a = x.AsSpan(si, i - si).TrimStart('0');
                    var b = y.AsSpan(sj, j - sj).TrimStart('0');
                    var c = a.Length != b.Length ? a.Length.CompareTo(b.Length) : a.SequenceCompareTo(b);
                    if (c != 0)
                    {
                        return c;
                    }

                    continue;
                }

                if (x[i] != y[j])
                {
                    return x[i].CompareTo(y[j]);
                }

                i++;
                j++;
            }

            var rest = (x.Length - i).CompareTo(y.Length - j);
            return rest != 0 ? rest : string.CompareOrdinal(x, y);
        }
    }
}
